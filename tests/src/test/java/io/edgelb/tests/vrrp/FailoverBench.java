package io.edgelb.tests.vrrp;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.tests.netns.VmServer;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgelb.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failover time of a VRRP router pair ({@link VrrpBed}: real keepalived and an edgelb agent on
 * each router, two members, a VIP monitor) over many failovers, run by bench/failover.sh as root:
 * <ol>
 *   <li>{@code relay-link}, {@code relay-kill}: relay listener, VRRP 3, advert_int 1 s; the
 *   master's underlay link taken down (then up), or its agent SIGKILLed (then restarted);</li>
 *   <li>{@code dnat-link}: dnat listener with conntrackd, advert_int 1 s, link down, with long
 *   DNAT transfers running across every failover (broken = curl failed or wrong bytes);</li>
 *   <li>{@code fast-link}: VRRP 3 with the smallest sub-second advert_int of the candidates that
 *   showed no VIP transition in a quiet window with the client loop running, link down.</li>
 * </ol>
 * Every round waits for the failback (A, priority 150, preempts) before the next. A client in the
 * client namespace opens a new connection to the VIP every 50 ms for the whole case; the gap of
 * a failover is {@link Outage}'s (last success before the first failure after the event to the
 * first success after the last failure of the round). Settings are system properties
 * ({@code failover.*}, see {@link #main}); the figures go to standard output as markdown and to
 * {@code failover.out} as rounds.tsv and table.md.
 */
public final class FailoverBench {
    private static final Set<String> VIPS_CANONICAL = Set.of(VrrpPair.canonical(VrrpPair.VIP),
            VrrpPair.canonical(VrrpPair.VIP6));
    private static final Duration MOVE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration FAILBACK_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration SUCCESS_TIMEOUT = Duration.ofSeconds(20);
    /** Successful connections that close a window: one second of the client loop. */
    private static final int SUCCESSES = 20;
    private static final int FLOW_PORT_LOW = 40000;
    private static final int FLOW_PORT_HIGH = 40999;

    /** What the shutdown hook closes when the run is interrupted. */
    private static volatile Client currentClient;
    private static volatile VrrpBed currentBed;

    private final int failovers;
    private final List<String> cases;
    private final long[] candidates;
    private final int calibrateSeconds;
    private final int flows;
    private final int flowBytes;
    private final String flowRate;
    private final String probe;
    private final Path out;
    private final List<String> tsv = new ArrayList<>();
    private final List<CaseResult> results = new ArrayList<>();
    private final List<Calibration> calibrations = new ArrayList<>();
    private long fastMs = -1;
    private String fastWhy = "";

    private FailoverBench() throws IOException {
        failovers = Integer.getInteger("failover.count", 20);
        cases = List.of(System.getProperty("failover.cases", "relay-link relay-kill dnat-link fast-link").trim()
                .split("\\s+"));
        candidates = Arrays.stream(System.getProperty("failover.candidates", "500 300 200 100 50").trim()
                .split("\\s+")).mapToLong(Long::parseLong).toArray();
        calibrateSeconds = Integer.getInteger("failover.calibrateSeconds", 30);
        flows = Integer.getInteger("failover.flows", 2);
        flowBytes = Integer.getInteger("failover.flowBytes", 10_000_000);
        flowRate = System.getProperty("failover.flowRate", "2M");
        probe = System.getProperty("failover.probe", "scheduled");
        out = Path.of(System.getProperty("failover.out", "/tmp/edgelb-failover"));
        Files.createDirectories(out);
    }

    /**
     * System properties: {@code failover.count} (20 failovers per case), {@code failover.cases}
     * ("relay-link relay-kill dnat-link fast-link"), {@code failover.candidates} (advert_int in ms
     * for the fast case, tried largest first: "500 300 200 100 50"), {@code failover.calibrateSeconds}
     * (30 per candidate), {@code failover.flows} (2 long DNAT transfers per failover),
     * {@code failover.flowBytes} (10 MB each), {@code failover.flowRate} (curl --limit-rate, 2M),
     * {@code failover.probe} ("scheduled": a connection every 50 ms on a fixed schedule, each
     * on its own thread; "serial": {@link ConnectLoop}, one after the other), {@code failover.out}.
     */
    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(FailoverBench::closeCurrent, "failover-cleanup"));
        VrrpPair.removeLeftovers();
        Keepalived.removeLeftovers();
        new FailoverBench().run();
    }

    private static void closeCurrent() {
        Client client = currentClient;
        VrrpBed bed = currentBed;
        currentClient = null;
        currentBed = null;
        try {
            if (client != null) {
                client.close();
            }
        } catch (Exception ignored) {
            // best effort on the way out
        }
        try {
            if (bed != null) {
                log("closing the bed (interrupted)");
                bed.close();
            }
        } catch (Exception e) {
            log("closing the bed failed: " + e);
        }
    }

    private void run() throws Exception {
        log("failovers per case " + failovers + ", cases " + cases + ", probe " + probe + ", out " + out);
        tsv.add(String.join("\t", "case", "round", "gap_ms", "failed", "backup_holds_ms", "overlap_ms",
                "failback_gap_ms", "failback_failed", "failback_overlap_ms", "extra_transitions", "flows",
                "flows_broken", "a_released_ms", "b_holds_vip4_ms", "last_ok_ms", "first_ok_ms", "note"));
        for (String name : cases) {
            switch (name) {
                case "relay-link" -> results.add(failoverCase(name, VrrpBed.Settings.relay(1_000, false), Trigger.LINK, 0));
                case "relay-kill" -> results.add(failoverCase(name, VrrpBed.Settings.relay(1_000, false), Trigger.KILL, 0));
                case "dnat-link" -> {
                    if (!Files.isExecutable(Path.of("/usr/sbin/conntrackd"))) {
                        results.add(CaseResult.skipped(name, 1_000, "conntrackd is not installed"));
                    } else {
                        results.add(failoverCase(name, new VrrpBed.Settings(1_000, 3, false, true, true), Trigger.LINK, flows));
                    }
                }
                case "fast-link" -> {
                    calibrate();
                    if (fastMs < 0) {
                        results.add(CaseResult.skipped(name, 0, "no candidate advert_int was free of false failovers"));
                    } else {
                        results.add(failoverCase(name, VrrpBed.Settings.relay(fastMs, false), Trigger.LINK, 0));
                    }
                }
                default -> throw new IllegalArgumentException("unknown case " + name);
            }
            writeFiles();
        }
        String report = report();
        System.out.println(report);
        Files.writeString(out.resolve("table.md"), report);
        writeFiles();
    }

    private void writeFiles() throws IOException {
        Files.write(out.resolve("rounds.tsv"), tsv);
    }

    // -----------------------------------------------------------------------------------------
    // Failover cases
    // -----------------------------------------------------------------------------------------

    enum Trigger {
        LINK("master's underlay link down, then up"),
        KILL("master's agent SIGKILLed, then restarted");

        final String text;

        Trigger(String text) {
            this.text = text;
        }

        void fail(VrrpBed bed) throws Exception {
            if (this == LINK) {
                bed.pair.underlayDown(Router.A);
            } else {
                bed.killAgent(Router.A);
            }
        }

        void recover(VrrpBed bed) throws Exception {
            if (this == LINK) {
                bed.pair.underlayUp(Router.A);
            } else {
                bed.startAgent(Router.A);
            }
        }
    }

    /** One failover and its failback. Times in ms; -1 when not measured. */
    record Round(int n, long gapMs, int failed, long movedMs, long overlapMs, long failbackGapMs, int failbackFailed,
                 long failbackOverlapMs, int extraTransitions, int flows, int flowsBroken, String note,
                 long gapFrom, long gapTo, long failbackFrom, long failbackTo, long releasedMs, long moved4Ms,
                 long lastOkMs, long firstOkMs) {
    }

    static final class CaseResult {
        final String name;
        final long advertMs;
        final List<Round> rounds = new ArrayList<>();
        String trigger = "";
        String error;
        String skipped;
        int outside = -1;
        List<String> outsideLines = List.of();
        int totalAttempts;
        final List<String> notes = new ArrayList<>();

        CaseResult(String name, long advertMs) {
            this.name = name;
            this.advertMs = advertMs;
        }

        static CaseResult skipped(String name, long advertMs, String why) {
            CaseResult r = new CaseResult(name, advertMs);
            r.skipped = why;
            log(name + ": skipped: " + why);
            return r;
        }
    }

    private CaseResult failoverCase(String name, VrrpBed.Settings settings, Trigger trigger, int flowsPerRound) {
        CaseResult result = new CaseResult(name, settings.advertMs());
        result.trigger = trigger.text;
        log(name + ": starting the pair (advert_int " + settings.advertText() + " s, version " + settings.version()
                + (settings.dnat() ? ", dnat listener, conntrackd " + settings.conntrackd() : ", relay listener") + ")");
        try (VrrpBed bed = VrrpBed.start(settings)) {
            currentBed = bed;
            try (Client client = Client.start(bed.pair, probe)) {
                currentClient = client;
                client.awaitSuccesses(0, SUCCESSES, SUCCESS_TIMEOUT);
                long clientReady = System.currentTimeMillis();
                awaitRoles(bed);
                for (int i = 1; i <= failovers; i++) {
                    Round round = round(bed, client, trigger, flowsPerRound, i, name);
                    result.rounds.add(round);
                    tsv.add(String.join("\t", name, Integer.toString(i), Long.toString(round.gapMs()),
                            Integer.toString(round.failed()), Long.toString(round.movedMs()),
                            Long.toString(round.overlapMs()), Long.toString(round.failbackGapMs()),
                            Integer.toString(round.failbackFailed()), Long.toString(round.failbackOverlapMs()),
                            Integer.toString(round.extraTransitions()), Integer.toString(round.flows()),
                            Integer.toString(round.flowsBroken()), Long.toString(round.releasedMs()),
                            Long.toString(round.moved4Ms()), Long.toString(round.lastOkMs()),
                            Long.toString(round.firstOkMs()), round.note()));
                    log(String.format(Locale.ROOT, "%s round %d/%d: gap %d ms, %d failed, backup holds the VIPs after"
                                    + " %d ms, overlap %d ms; failback gap %d ms, %d failed, overlap %d ms; extra"
                                    + " transitions %d%s%s%s", name, i, failovers, round.gapMs(), round.failed(),
                            round.movedMs(), round.overlapMs(), round.failbackGapMs(), round.failbackFailed(),
                            round.failbackOverlapMs(), round.extraTransitions(),
                            String.format(Locale.ROOT, " (from the event: last ok %d, A without VIPs %d, B with the"
                                    + " IPv4 VIP %d, first ok %d ms)", round.lastOkMs(), round.releasedMs(),
                                    round.moved4Ms(), round.firstOkMs()),
                            round.flows() > 0 ? "; flows broken " + round.flowsBroken() + "/" + round.flows() : "",
                            round.note().isEmpty() ? "" : "; " + round.note()));
                }
                // Every failure the client saw that no failover's or failback's gap explains.
                List<String> attempts = client.attempts();
                List<String> outside = new ArrayList<>();
                int counted = 0;
                for (String line : attempts) {
                    long t = time(line);
                    if (t < clientReady) {
                        continue; // before the pair served cleanly for the first time
                    }
                    counted++;
                    if (ok(line)) {
                        continue;
                    }
                    boolean explained = false;
                    for (Round r : result.rounds) {
                        if ((t >= r.gapFrom() && t <= r.gapTo()) || (t >= r.failbackFrom() && t <= r.failbackTo())) {
                            explained = true;
                            break;
                        }
                    }
                    if (!explained) {
                        outside.add(line);
                    }
                }
                result.outside = outside.size();
                result.outsideLines = outside.subList(0, Math.min(10, outside.size()));
                result.totalAttempts = counted;
                Files.write(out.resolve(name + "-attempts.txt"), attempts);
                long[] lastOk = result.rounds.stream().mapToLong(Round::lastOkMs).toArray();
                long[] released = result.rounds.stream().mapToLong(Round::releasedMs).toArray();
                long[] moved4 = result.rounds.stream().mapToLong(Round::moved4Ms).toArray();
                long[] firstOk = result.rounds.stream().mapToLong(Round::firstOkMs).toArray();
                result.notes.add("timeline from the event, p50 (max): last ok " + pct(lastOk, 50) + " (" + pct(lastOk, 100)
                        + ") ms, A without VIPs " + pct(released, 50) + " (" + pct(released, 100)
                        + ") ms, B with the IPv4 VIP " + pct(moved4, 50) + " (" + pct(moved4, 100)
                        + ") ms, first ok " + pct(firstOk, 50) + " (" + pct(firstOk, 100) + ") ms");
                result.notes.add("longest VIP overlap over the whole case " + bed.monitor.longestOverlap().toMillis()
                        + " ms; monitor " + bed.monitor.statistics());
                result.notes.add("keepalived logs: " + bed.keepalived(Router.A).logFile() + ", "
                        + bed.keepalived(Router.B).logFile());
                saveAgentLogs(bed, name);
            } finally {
                currentClient = null;
            }
        } catch (Exception | AssertionError e) {
            result.error = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
            log(name + ": failed: " + e);
            e.printStackTrace();
        } finally {
            currentBed = null;
        }
        log(name + ": done, " + result.rounds.size() + " round(s)"
                + (result.outside >= 0 ? ", " + result.outside + " failed connection(s) outside the gaps" : ""));
        return result;
    }

    private Round round(VrrpBed bed, Client client, Trigger trigger, int flowsPerRound, int n, String name)
            throws Exception {
        List<String> notes = new ArrayList<>();
        // The pair is steady: A the sole holder (the previous round waited for that already).
        bed.monitor.await(s -> s.soleHolder(Router.A, VrrpBed.VIPS), FAILBACK_TIMEOUT, "A holds the VIPs before round " + n);
        long markA = bed.keepalived(Router.A).logMark();
        long markB = bed.keepalived(Router.B).logMark();

        List<Flow> running = new ArrayList<>();
        for (int i = 0; i < flowsPerRound; i++) {
            running.add(Flow.start(bed.pair, out.resolve(name + "-flow-" + i), flowBytes, flowRate));
        }
        if (!running.isEmpty() && !awaitSyncedFlows(bed, running.size(), Duration.ofSeconds(8))) {
            notes.add("flows not all synced to B before the failover");
        }
        int inFlight = (int) running.stream().filter(Flow::alive).count();
        if (inFlight < running.size()) {
            notes.add((running.size() - inFlight) + " flow(s) ended before the failover");
        }

        long eventMs = System.currentTimeMillis();
        long eventNs = System.nanoTime();
        trigger.fail(bed);
        VipMonitor.Sample moved = bed.monitor.awaitSample(s -> s.held(Router.B).containsAll(VIPS_CANONICAL),
                MOVE_TIMEOUT, "B holds the VIPs (round " + n + ")", eventNs);
        long movedMs = (moved.nanos - eventNs) / 1_000_000;
        // The timeline behind it, from the same samples: A without any VIP, B with the IPv4 one.
        VipMonitor.Sample released = existing(bed.monitor, s -> s.held(Router.A).isEmpty(), eventNs);
        VipMonitor.Sample moved4 = existing(bed.monitor, s -> s.held(Router.B).contains(VrrpPair.VIP), eventNs);
        long releasedMs = released == null ? -1 : (released.nanos - eventNs) / 1_000_000;
        long moved4Ms = moved4 == null ? -1 : (moved4.nanos - eventNs) / 1_000_000;
        client.awaitSuccesses(System.currentTimeMillis(), SUCCESSES, SUCCESS_TIMEOUT);
        long endMs = System.currentTimeMillis();
        Outage outage = Outage.after(client.attempts(), eventMs, endMs);
        long overlapMs = bed.monitor.longestOverlap(eventNs, System.nanoTime()).toMillis();

        int broken = 0;
        for (Flow flow : running) {
            String why = flow.finish(Duration.ofSeconds(120));
            if (why != null) {
                broken++;
                notes.add("flow broken: " + why);
            }
        }

        long backMs = System.currentTimeMillis();
        long backNs = System.nanoTime();
        trigger.recover(bed);
        bed.monitor.awaitSample(s -> s.soleHolder(Router.A, VrrpBed.VIPS), FAILBACK_TIMEOUT,
                "A holds the VIPs again (round " + n + ")", backNs);
        client.awaitSuccesses(System.currentTimeMillis(), SUCCESSES, SUCCESS_TIMEOUT);
        long backEndMs = System.currentTimeMillis();
        Outage failback = Outage.after(client.attempts(), backMs, backEndMs);
        long failbackOverlapMs = bed.monitor.longestOverlap(backNs, System.nanoTime()).toMillis();
        awaitRoles(bed);

        // One MASTER entry each per round (B on the failover, A on the failback); more is a flap.
        int masterA = count(bed.keepalived(Router.A).log(), markA, "Entering MASTER STATE");
        int masterB = count(bed.keepalived(Router.B).log(), markB, "Entering MASTER STATE");
        int extra = Math.max(0, masterA - 1) + Math.max(0, masterB - 1);
        if (extra > 0) {
            notes.add("keepalived MASTER entries A " + masterA + ", B " + masterB);
        }
        // Outage's gap runs from the first to the last failure of the window: successes inside it
        // mean the VIP answered and then failed again (a flap), which the gap alone would hide.
        int okInGap = okBetween(client.attempts(), outage.lastOkBefore(), outage.firstOkAfter());
        if (okInGap > 0) {
            notes.add(okInGap + " successful connection(s) inside the failover gap");
        }
        int okInFailback = okBetween(client.attempts(), failback.lastOkBefore(), failback.firstOkAfter());
        if (okInFailback > 0) {
            notes.add(okInFailback + " successful connection(s) inside the failback gap");
        }
        return new Round(n, outage.gapMillis(), outage.failures(), movedMs, overlapMs, failback.gapMillis(),
                failback.failures(), failbackOverlapMs, extra, running.size(), broken, String.join("; ", notes),
                outage.lastOkBefore(), outage.firstOkAfter(), failback.lastOkBefore(), failback.firstOkAfter(),
                releasedMs, moved4Ms, outage.lastOkBefore() - eventMs, outage.firstOkAfter() - eventMs);
    }

    /** Both agents say what keepalived does: A MASTER, B BACKUP (bounded). */
    private static void awaitRoles(VrrpBed bed) throws Exception {
        bed.agent(Router.A).awaitStatus(s -> state(s).equals("MASTER"), Duration.ofSeconds(15), "A says MASTER");
        bed.agent(Router.B).awaitStatus(s -> state(s).equals("BACKUP"), Duration.ofSeconds(15), "B says BACKUP");
    }

    private static boolean awaitSyncedFlows(VrrpBed bed, int count, Duration timeout) throws Exception {
        Pattern sport = Pattern.compile("sport=(\\d+)");
        // conntrackd syncs on its own schedule: read B's table every 100 ms.
        return Await.within(() -> {
            String flows = bed.conntrackFlows(Router.B);
            int synced = 0;
            if (flows != null) {
                for (String line : flows.split("\n")) {
                    Matcher m = sport.matcher(line);
                    if (line.contains("ESTABLISHED") && m.find()) {
                        int port = Integer.parseInt(m.group(1));
                        if (port >= FLOW_PORT_LOW && port <= FLOW_PORT_HIGH) {
                            synced++;
                        }
                    }
                }
            }
            return synced >= count;
        }, timeout, Duration.ofMillis(100));
    }

    private void saveAgentLogs(VrrpBed bed, String name) {
        for (Router router : Router.values()) {
            try {
                if (bed.agent(router) != null) {
                    Files.writeString(out.resolve(name + "-agent-" + router.id() + ".log"), bed.agent(router).log());
                }
            } catch (IOException e) {
                log("agent log of " + router + ": " + e);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // The fast setting: the smallest advert_int without false failovers in a quiet window
    // -----------------------------------------------------------------------------------------

    record Calibration(long advertMs, int seconds, int monitorEpisodes, int keepalivedEntries, int agentTransitions,
                       int clientFailures, int attempts, String error) {
        boolean clean() {
            return error == null && monitorEpisodes == 0 && keepalivedEntries == 0 && agentTransitions == 0;
        }
    }

    private void calibrate() {
        long previousClean = -1;
        for (long ms : candidates) {
            Calibration c = quietWindow(ms);
            calibrations.add(c);
            tsv.add(String.join("\t", "calibrate", Long.toString(ms), Integer.toString(c.seconds()),
                    Integer.toString(c.monitorEpisodes()), Integer.toString(c.keepalivedEntries()),
                    Integer.toString(c.agentTransitions()), Integer.toString(c.clientFailures()),
                    Integer.toString(c.attempts()), c.error() == null ? "" : c.error()));
            log(String.format(Locale.ROOT, "calibrate advert_int %s s: %d s quiet, VIP moves seen by the monitor %d,"
                            + " keepalived state entries %d, agent transitions %d, client failures %d/%d%s",
                    seconds(ms), c.seconds(), c.monitorEpisodes(), c.keepalivedEntries(), c.agentTransitions(),
                    c.clientFailures(), c.attempts(), c.error() == null ? "" : ", error " + c.error()));
            if (!c.clean()) {
                fastWhy = previousClean < 0 ? "the largest candidate, " + seconds(ms) + " s, already had false failovers"
                        : seconds(ms) + " s had false failovers (" + describe(c) + ")";
                break;
            }
            previousClean = ms;
        }
        fastMs = previousClean;
        if (fastMs > 0 && fastWhy.isEmpty()) {
            fastWhy = "every candidate was clean; " + seconds(fastMs) + " s is the smallest tried";
        }
        log("fast advert_int: " + (fastMs < 0 ? "none" : seconds(fastMs) + " s") + " (" + fastWhy + ")");
    }

    private static String describe(Calibration c) {
        return c.error() != null ? c.error() : c.monitorEpisodes() + " VIP move(s) seen, " + c.keepalivedEntries()
                + " keepalived state entries, " + c.agentTransitions() + " agent transitions in " + c.seconds() + " s";
    }

    private Calibration quietWindow(long ms) {
        log("calibrate: advert_int " + seconds(ms) + " s, " + calibrateSeconds + " s without failures");
        try (VrrpBed bed = VrrpBed.start(VrrpBed.Settings.relay(ms, false))) {
            currentBed = bed;
            try (Client client = Client.start(bed.pair, probe)) {
                currentClient = client;
                client.awaitSuccesses(0, SUCCESSES, SUCCESS_TIMEOUT);
                awaitRoles(bed);
                int transitions0 = transitions(bed);
                long markA = bed.keepalived(Router.A).logMark();
                long markB = bed.keepalived(Router.B).logMark();
                long fromMs = System.currentTimeMillis();
                long from = System.nanoTime();
                long to = from + TimeUnit.SECONDS.toNanos(calibrateSeconds);
                // The window is the measurement: wait for a sample past its end.
                bed.monitor.awaitSample(s -> s.nanos - to >= 0, Duration.ofSeconds(calibrateSeconds + 10L),
                        "the end of the quiet window", from);
                int episodes = episodes(bed.monitor, from, to);
                int entries = count(bed.keepalived(Router.A).log(), markA, "Entering ")
                        + count(bed.keepalived(Router.B).log(), markB, "Entering ");
                int transitions = transitions(bed) - transitions0;
                long toMs = System.currentTimeMillis();
                int failures = 0;
                int attempts = 0;
                for (String line : client.attempts()) {
                    long t = time(line);
                    if (t >= fromMs && t <= toMs) {
                        attempts++;
                        failures += ok(line) ? 0 : 1;
                    }
                }
                Files.write(out.resolve("calibrate-" + ms + "ms-attempts.txt"), client.attempts());
                Files.writeString(out.resolve("calibrate-" + ms + "ms-keepalived-b.log"), bed.keepalived(Router.B).log());
                return new Calibration(ms, calibrateSeconds, episodes, entries, transitions, failures, attempts, null);
            } finally {
                currentClient = null;
            }
        } catch (Exception | AssertionError e) {
            log("calibrate " + seconds(ms) + " s failed: " + e);
            return new Calibration(ms, calibrateSeconds, 0, 0, 0, 0, 0,
                    e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        } finally {
            currentBed = null;
        }
    }

    /** Episodes in [from, to] during which A was not the sole holder of the VIPs (from the monitor's samples). */
    private static int episodes(VipMonitor monitor, long from, long to) throws InterruptedException {
        int count = 0;
        long since = from;
        for (int guard = 0; guard < 10_000; guard++) {
            VipMonitor.Sample off = existing(monitor, s -> !s.soleHolder(Router.A, VrrpBed.VIPS), since);
            if (off == null || off.nanos - to > 0) {
                break;
            }
            count++;
            VipMonitor.Sample back = existing(monitor, s -> s.soleHolder(Router.A, VrrpBed.VIPS), off.nanos);
            if (back == null || back.nanos - to > 0) {
                break;
            }
            since = back.nanos;
        }
        return count;
    }

    /** The first sample already taken at or after {@code since} that satisfies the condition, or null. */
    private static VipMonitor.Sample existing(VipMonitor monitor, java.util.function.Predicate<VipMonitor.Sample> p,
                                              long since) throws InterruptedException {
        try {
            return monitor.awaitSample(p, Duration.ZERO, "a sample", since);
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().startsWith("not reached")) {
                return null;
            }
            throw e;
        }
    }

    /** The sum of both agents' VRRP transition counters. */
    private static int transitions(VrrpBed bed) throws Exception {
        int sum = 0;
        for (Router router : Router.values()) {
            sum += vrrp(bed.agent(router).status()).getInt("transitions", 0);
        }
        return sum;
    }

    // -----------------------------------------------------------------------------------------
    // The report
    // -----------------------------------------------------------------------------------------

    private String report() {
        StringBuilder b = new StringBuilder();
        b.append("| case | advert_int | trigger | failovers | gap p50 / p99 / max ms | backup holds VIP p50 / p99 / max ms"
                + " | failed conns per failover p50 / max | failed conns outside the gaps | longest VIP overlap ms"
                + " | broken DNAT flows | failback gap p50 / max ms | failed conns in failbacks (total) | extra VRRP transitions |\n");
        b.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (CaseResult r : results) {
            String advert = r.advertMs > 0 ? seconds(r.advertMs) + " s" : "—";
            if (r.skipped != null) {
                b.append("| ").append(r.name).append(" | ").append(advert).append(" | skipped: ").append(r.skipped)
                        .append(" | | | | | | | | | | |\n");
                continue;
            }
            List<Round> rs = r.rounds;
            long[] gaps = rs.stream().mapToLong(Round::gapMs).toArray();
            long[] moved = rs.stream().mapToLong(Round::movedMs).toArray();
            long[] failed = rs.stream().mapToLong(Round::failed).toArray();
            long[] fbGaps = rs.stream().mapToLong(Round::failbackGapMs).toArray();
            long overlap = rs.stream().mapToLong(x -> Math.max(x.overlapMs(), x.failbackOverlapMs())).max().orElse(-1);
            int flowsTotal = rs.stream().mapToInt(Round::flows).sum();
            int broken = rs.stream().mapToInt(Round::flowsBroken).sum();
            int extra = rs.stream().mapToInt(Round::extraTransitions).sum();
            int failbackFailed = rs.stream().mapToInt(Round::failbackFailed).sum();
            b.append("| ").append(r.name).append(" | ").append(advert).append(" | ").append(r.trigger)
                    .append(" | ").append(rs.size()).append(r.error != null ? " (stopped: " + r.error + ")" : "")
                    .append(" | ").append(triple(gaps)).append(" | ").append(triple(moved))
                    .append(" | ").append(rs.isEmpty() ? "—" : pct(failed, 50) + " / " + pct(failed, 100))
                    .append(" | ").append(r.outside < 0 ? "—" : r.outside + " of " + r.totalAttempts)
                    .append(" | ").append(overlap < 0 ? "—" : overlap)
                    .append(" | ").append(flowsTotal == 0 ? "—" : broken + " of " + flowsTotal)
                    .append(" | ").append(rs.isEmpty() ? "—" : pct(fbGaps, 50) + " / " + pct(fbGaps, 100))
                    .append(" | ").append(rs.isEmpty() ? "—" : failbackFailed)
                    .append(" | ").append(rs.isEmpty() ? "—" : extra).append(" |\n");
        }
        if (!calibrations.isEmpty()) {
            b.append("\nQuiet windows (client loop running, nothing injected), VRRP 3, relay listener:\n\n");
            b.append("| advert_int | window s | VIP moves (monitor) | keepalived state entries | agent transitions"
                    + " | client failures | verdict |\n|---:|---:|---:|---:|---:|---:|---|\n");
            for (Calibration c : calibrations) {
                b.append("| ").append(seconds(c.advertMs())).append(" s | ").append(c.seconds()).append(" | ")
                        .append(c.monitorEpisodes()).append(" | ").append(c.keepalivedEntries()).append(" | ")
                        .append(c.agentTransitions()).append(" | ").append(c.clientFailures()).append(" of ")
                        .append(c.attempts()).append(" | ")
                        .append(c.error() != null ? "error: " + c.error() : c.clean() ? "clean" : "false failover")
                        .append(" |\n");
            }
            b.append("\nFast setting chosen: ").append(fastMs < 0 ? "none" : "advert_int " + seconds(fastMs) + " s")
                    .append(" (").append(fastWhy).append(").\n");
        }
        b.append("\n| target | case | figure | met |\n|---|---|---|:-:|\n");
        for (CaseResult r : results) {
            if (r.skipped != null || r.rounds.isEmpty()) {
                continue;
            }
            long[] gaps = r.rounds.stream().mapToLong(Round::gapMs).toArray();
            long p99 = pct(gaps, 99);
            long bound = r.advertMs >= 1_000 ? 3 * r.advertMs + 1_000 : 1_000;
            String what = r.advertMs >= 1_000 ? "p99 gap ≤ 3 × advert_int + 1 s = " + bound + " ms"
                    : "p99 gap ≤ 1 s (VRRP 3, sub-second advert_int)";
            b.append("| ").append(what).append(" | ").append(r.name).append(" | ").append(p99).append(" ms | ")
                    .append(p99 <= bound ? "✓" : "✗").append(" |\n");
            b.append("| 0 failed new connections outside the gap | ").append(r.name).append(" | ").append(r.outside)
                    .append(" | ").append(r.outside == 0 ? "✓" : "✗").append(" |\n");
            int flowsTotal = r.rounds.stream().mapToInt(Round::flows).sum();
            if (flowsTotal > 0) {
                int broken = r.rounds.stream().mapToInt(Round::flowsBroken).sum();
                b.append("| 0 broken DNAT flows with conntrackd | ").append(r.name).append(" | ").append(broken)
                        .append(" of ").append(flowsTotal).append(" | ").append(broken == 0 ? "✓" : "✗").append(" |\n");
            }
        }
        b.append("\nNotes:\n");
        for (CaseResult r : results) {
            for (String note : r.notes) {
                b.append("- ").append(r.name).append(": ").append(note).append('\n');
            }
            if (r.outside > 0) {
                b.append("- ").append(r.name).append(": failures outside the gaps (first 10): ").append(r.outsideLines)
                        .append('\n');
            }
            for (Round round : r.rounds) {
                if (!round.note().isEmpty()) {
                    b.append("- ").append(r.name).append(" round ").append(round.n()).append(": ").append(round.note())
                            .append('\n');
                }
            }
            if (r.error != null) {
                b.append("- ").append(r.name).append(": stopped after ").append(r.rounds.size()).append(" round(s): ")
                        .append(r.error).append('\n');
            }
        }
        return b.toString();
    }

    private static String triple(long[] values) {
        return values.length == 0 ? "—" : pct(values, 50) + " / " + pct(values, 99) + " / " + pct(values, 100);
    }

    /** Nearest-rank percentile (100: the maximum). */
    static long pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String seconds(long ms) {
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    private static int okBetween(List<String> attempts, long after, long before) {
        int n = 0;
        for (String line : attempts) {
            long t = time(line);
            if (ok(line) && t > after && t < before) {
                n++;
            }
        }
        return n;
    }

    private static int count(String text, long from, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle, (int) Math.min(from, text.length())); i >= 0;
             i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static JsonObject vrrp(JsonObject status) {
        JsonValue vrrp = status.get("vrrp");
        return vrrp == null || vrrp.asArray().isEmpty() ? new JsonObject() : vrrp.asArray().get(0).asObject();
    }

    private static String state(JsonObject status) {
        return vrrp(status).getString("state", "");
    }

    private static long time(String line) {
        return Long.parseLong(line.substring(0, line.indexOf(' ')));
    }

    private static boolean ok(String line) {
        return line.contains(" ok ");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    static void log(String text) {
        System.err.printf(Locale.ROOT, "[failover %tT] %s%n", System.currentTimeMillis(), text);
    }

    // -----------------------------------------------------------------------------------------
    // The client loop and the long DNAT flows
    // -----------------------------------------------------------------------------------------

    /** A client of the VIP in the client namespace, its lines ({@code MILLIS ok|fail ...}) collected. */
    static final class Client implements AutoCloseable {
        private final Process process;
        private final List<String> attempts = new ArrayList<>();

        private Client(Process process) {
            this.process = process;
        }

        static Client start(VrrpPair pair, String probe) throws IOException {
            String classes = Path.of(FailoverBench.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                    .toString();
            String main = probe.equals("serial") ? ConnectLoop.class.getName() : Probe.class.getName();
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", pair.client(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes, main,
                    VrrpPair.VIP, "80", "50", "3600"));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Client client = new Client(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (client.attempts) {
                            client.attempts.add(line);
                            client.attempts.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the loop ended
                }
            }, "client-reader");
            reader.setDaemon(true);
            reader.start();
            return client;
        }

        void awaitSuccesses(long sinceMillis, int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (attempts) {
                while (Outage.successesAfter(attempts, sinceMillis) < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("fewer than " + count + " successful connections within "
                                + timeout.toMillis() + " ms: " + Outage.tail(attempts, 20));
                    }
                    TimeUnit.NANOSECONDS.timedWait(attempts, left);
                }
            }
        }

        List<String> attempts() {
            synchronized (attempts) {
                return List.copyOf(attempts);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                process.getOutputStream().close(); // the loop's signal to stop
            } catch (IOException ignored) {
                // gone already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One long transfer through the VIP with curl, rate-limited so that it spans the failover. */
    static final class Flow {
        private final Process curl;
        private final Path body;
        private final int bytes;

        private Flow(Process curl, Path body, int bytes) {
            this.curl = curl;
            this.body = body;
            this.bytes = bytes;
        }

        static Flow start(VrrpPair pair, Path body, int bytes, String rate) throws IOException {
            Files.deleteIfExists(body);
            Process curl = new ProcessBuilder("ip", "netns", "exec", pair.client(), "curl", "-sS",
                    "--local-port", FLOW_PORT_LOW + "-" + FLOW_PORT_HIGH, "--limit-rate", rate, "-m", "110",
                    "-o", body.toString(), "-w", "%{http_code} %{size_download}",
                    "http://" + VrrpPair.VIP + "/bytes?n=" + bytes).redirectErrorStream(true).start();
            return new Flow(curl, body, bytes);
        }

        boolean alive() {
            return curl.isAlive();
        }

        /** Waits for curl (bounded); null when every byte arrived, else why not. */
        String finish(Duration timeout) throws Exception {
            try {
                if (!curl.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    curl.destroyForcibly();
                    return "curl did not finish within " + timeout.toSeconds() + " s";
                }
                String result = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (curl.exitValue() != 0) {
                    return "curl exit " + curl.exitValue() + ": " + result;
                }
                if (!result.equals("200 " + bytes)) {
                    return "curl says " + result;
                }
                byte[] got = Files.readAllBytes(body);
                if (got.length != bytes) {
                    return got.length + " bytes in the file";
                }
                for (int i = 0; i < got.length; i++) {
                    if (got[i] != VmServer.pattern(i)) {
                        return "byte " + i + " differs";
                    }
                }
                return null;
            } finally {
                Files.deleteIfExists(body);
            }
        }
    }

    /**
     * The client loop on a fixed schedule, run in the client namespace as {@code java ...
     * FailoverBench$Probe HOST PORT INTERVAL_MS MAX_SECONDS}: a new connection and HTTP/1.0 request
     * every interval, each on its own thread, so that attempts stay INTERVAL_MS apart while the VIP
     * is unreachable (ConnectLoop's next attempt waits for the previous one's 250 ms connect
     * timeout). Lines as ConnectLoop's: {@code MILLIS ok BODY} or {@code MILLIS fail REASON}, the
     * attempt's start time first. Stops when standard input closes or after MAX_SECONDS.
     */
    public static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) throws Exception {
            String host = args[0];
            int port = Integer.parseInt(args[1]);
            long interval = Long.parseLong(args[2]);
            long seconds = Long.parseLong(args[3]);
            PrintStream stdout = System.out;
            Thread stdinWatch = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // drain until the bench closes it
                    }
                } catch (IOException ignored) {
                    // closed either way
                }
                synchronized (stdout) {
                    stdout.flush();
                }
                Runtime.getRuntime().halt(0);
            });
            stdinWatch.setDaemon(true);
            stdinWatch.start();
            // Each attempt ends within 1.5 s (500 ms connect, 1 s read): at most ~31 run at once.
            ExecutorService attempts = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "attempt");
                t.setDaemon(true);
                return t;
            });
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            LongFunction<Runnable> attempt = start -> () -> {
                String result = attempt(host, port);
                synchronized (stdout) {
                    stdout.println(start + " " + result);
                    stdout.flush();
                }
            };
            clock.scheduleAtFixedRate(() -> attempts.execute(attempt.apply(System.currentTimeMillis())), 0, interval,
                    TimeUnit.MILLISECONDS);
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the loop's lifetime, not a synchronisation
            clock.shutdownNow();
            attempts.shutdown();
            attempts.awaitTermination(3, TimeUnit.SECONDS);
            synchronized (stdout) {
                stdout.flush();
            }
            Runtime.getRuntime().halt(0);
        }

        private static String attempt(String host, int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ")) {
                    return "fail bad-response";
                }
                return "ok " + response.substring(response.indexOf("\r\n\r\n") + 4).trim();
            } catch (Exception e) {
                return "fail " + e.getClass().getSimpleName();
            }
        }
    }
}
