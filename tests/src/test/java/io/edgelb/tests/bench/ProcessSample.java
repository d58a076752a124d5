package io.edgelb.tests.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of a process, split by thread name, and its RSS, from /proc (Linux): the bench's
 * profile of where the hub's CPU went in a phase. Immutable.
 */
record ProcessSample(long pid, long cpuMs, Map<String, Long> cpuMsByThread, long rssMb) {
    private static final long MS_PER_TICK = 10; // USER_HZ 100 on every Linux the bench runs on

    static ProcessSample of(long pid) throws IOException {
        Map<String, Long> byThread = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+$", "N");
                    byThread.merge(name, ticks(Files.readString(task.resolve("stat"))) * MS_PER_TICK, Long::sum);
                } catch (IOException exited) {
                    // a thread that ended between the listing and the read: its time is in the total
                }
            }
        }
        long cpu = ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * MS_PER_TICK;
        return new ProcessSample(pid, cpu, Map.copyOf(byThread), rss(pid));
    }

    /** utime + stime of a /proc stat line. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    long cpuSince(ProcessSample before) {
        return cpuMs - before.cpuMs;
    }

    /** The threads that used the most CPU since {@code before}, as "name 1234 ms, ...". */
    String topThreadsSince(ProcessSample before, int count) {
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        cpuMsByThread.forEach((name, ms) -> deltas.add(Map.entry(name, ms - before.cpuMsByThread.getOrDefault(name, 0L))));
        deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(count, deltas.size()) && deltas.get(i).getValue() > 0; i++) {
            out.append(i == 0 ? "" : ", ").append(deltas.get(i).getKey()).append(' ').append(deltas.get(i).getValue())
                    .append(" ms");
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
