package io.edgelb.tests.vrrp;

import java.util.ArrayList;
import java.util.List;

/**
 * What the client loop saw around one event: the last success before its first failure, the first
 * success after its last failure, and the failures in between. Lines are {@code MILLIS ok|fail ...}.
 */
record Outage(long lastOkBefore, long firstOkAfter, int failures, int failuresOutside, List<String> failed) {

    long gapMillis() {
        return firstOkAfter - lastOkBefore;
    }

    /** The outage that follows {@code eventMillis}; failures before the event or after recovery count as outside. */
    static Outage after(List<String> attempts, long eventMillis, long endMillis) {
        long lastOkBefore = 0;
        long firstOkAfter = Long.MAX_VALUE;
        long firstFail = Long.MAX_VALUE;
        long lastFail = 0;
        List<String> failed = new ArrayList<>();
        for (String line : attempts) {
            long t = time(line);
            if (t >= eventMillis && t <= endMillis && !ok(line)) {
                firstFail = Math.min(firstFail, t);
                lastFail = Math.max(lastFail, t);
                failed.add(line);
            }
        }
        if (failed.isEmpty()) {
            firstFail = eventMillis;
            lastFail = eventMillis;
        }
        int outside = 0;
        for (String line : attempts) {
            long t = time(line);
            if (ok(line) && t < firstFail) {
                lastOkBefore = Math.max(lastOkBefore, t);
            }
            if (ok(line) && t > lastFail) {
                firstOkAfter = Math.min(firstOkAfter, t);
            }
        }
        for (String line : attempts) {
            long t = time(line);
            if (!ok(line) && t > eventMillis - 5_000 && t < eventMillis) {
                outside++; // failures before the event: the pair was not serving cleanly
            }
        }
        return new Outage(lastOkBefore, firstOkAfter, failed.size(), outside, failed);
    }

    static int successesAfter(List<String> attempts, long sinceMillis) {
        int n = 0;
        for (String line : attempts) {
            if (ok(line) && time(line) > sinceMillis) {
                n++;
            }
        }
        return n;
    }

    static List<String> tail(List<String> attempts, int n) {
        return attempts.subList(Math.max(0, attempts.size() - n), attempts.size());
    }

    private static long time(String line) {
        return Long.parseLong(line.substring(0, line.indexOf(' ')));
    }

    private static boolean ok(String line) {
        return line.contains(" ok ");
    }

    @Override
    public String toString() {
        return "gap " + gapMillis() + " ms, " + failures + " failed connection(s) in it, " + failuresOutside
                + " failed before the event; failures " + (failed.size() > 6
                ? failed.subList(0, 3) + " ... " + failed.subList(failed.size() - 3, failed.size()) : failed);
    }
}
