package io.edgelb.tests.bench;

import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.tests.HubProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * One hub process and N simulated agents in this JVM (real jeromq SUB + DEALER sockets with CURVE,
 * one thread polling them all): join time, propagation of a change to every agent (p50/p99/max),
 * the hub's CPU and RSS, and the resync time after a hub restart. Run by bench/fleet.sh.
 * Both sides share the machine's cores, so the numbers are pessimistic for the hub.
 */
public final class FleetBench {
    private final int n;
    private final Path dir;
    private final List<String> ids = new ArrayList<>();
    private final List<CurveKeyFile> keys = new ArrayList<>();
    private final String[] instance;
    private final long[] revision;
    private final long[] receivedAt;
    private int port;
    private String api;
    private Path config;

    private FleetBench(int n, Path dir) {
        this.n = n;
        this.dir = dir;
        this.instance = new String[n];
        this.revision = new long[n];
        this.receivedAt = new long[n];
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = Files.createTempDirectory("edgelb-fleet");
        new FleetBench(n, dir).run();
    }

    private void run() throws Exception {
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ids.add("a" + i);
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            keys.add(new CurveKeyFile(pair.publicKey, pair.secretKey));
        }
        ZMQ.Curve.KeyPair hubPair = ZMQ.Curve.generateKeyPair();
        new CurveKeyFile(hubPair.publicKey, hubPair.secretKey).write(dir.resolve("hub.key"), true);
        System.out.printf("agents: %d, keys generated in %d ms%n", n, (System.nanoTime() - t) / 1_000_000);
        port = freePortPair();
        api = "127.0.0.1:" + freePort();
        config = dir.resolve("hub.json");
        StringBuilder allow = new StringBuilder();
        for (int i = 0; i < n; i++) {
            allow.append(i == 0 ? "" : ",").append('"').append(ids.get(i)).append("\":\"")
                    .append(keys.get(i).publicKey().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        Files.writeString(config, "{\"bind\":\"tcp://127.0.0.1:" + port + "\",\"key_file\":\"" + dir.resolve("hub.key")
                + "\",\"api\":\"" + api + "\",\"api_token_file\":\"" + dir.resolve("token") + "\",\"heartbeat\":1,"
                + "\"io_threads\":2,\"agents\":{" + allow + "},\"source\":{\"type\":\"file\",\"path\":\""
                + dir.resolve("pools.json") + "\",\"interval\":0.1}}");
        writePools(1);
        int snapshot = pools(1).length() / n;
        System.out.printf("per-agent state: about %d bytes of JSON%n", snapshot);

        HubProcess hub = HubProcess.start(config, api);
        try (ZMQ.Context context = ZMQ.context(2)) {
            context.setMaxSockets(2 * n + 64);
            ZMQ.Socket[] subs = new ZMQ.Socket[n];
            ZMQ.Socket[] dealers = new ZMQ.Socket[n];
            long cpu0 = cpuMillis(hub.pid());
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                subs[i] = client(context, SocketType.SUB, keys.get(i), hubPair.publicKey);
                subs[i].subscribe(SyncProtocol.topic(ids.get(i)));
                subs[i].connect(SyncProtocol.publisherOf("tcp://127.0.0.1:" + port));
                dealers[i] = client(context, SocketType.DEALER, keys.get(i), hubPair.publicKey);
                dealers[i].connect("tcp://127.0.0.1:" + port);
                dealers[i].sendMore(SyncProtocol.ICANHAZ);
                dealers[i].send(ids.get(i));
            }
            ZMQ.Poller poller = context.poller(2 * n);
            for (int i = 0; i < n; i++) {
                poller.register(subs[i], ZMQ.Poller.POLLIN);
                poller.register(dealers[i], ZMQ.Poller.POLLIN);
            }
            awaitAll(poller, subs, dealers, r -> r > 0, 600_000);
            long joinMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("join (connect + 2 CURVE handshakes per agent + snapshot): all %d in %d ms;"
                    + " hub CPU %d ms, RSS %d MB%n", n, joinMs, cpuMillis(hub.pid()) - cpu0, rssMb(hub.pid()));

            for (int round = 2; round <= 4; round++) {
                long[] before = revision.clone();
                long cpu = cpuMillis(hub.pid());
                long changed = System.nanoTime();
                writePools(round);
                Arrays.fill(receivedAt, 0);
                awaitAll(poller, subs, dealers, null, 60_000, before);
                long[] latencies = new long[n];
                for (int i = 0; i < n; i++) {
                    latencies[i] = (receivedAt[i] - changed) / 1_000_000;
                }
                Arrays.sort(latencies);
                System.out.printf("change %d to all agents (file poll 100 ms included): p50 %d ms, p99 %d ms, max %d ms;"
                                + " hub CPU %d ms%n", round - 1, latencies[n / 2], latencies[Math.min(n - 1, n * 99 / 100)],
                        latencies[n - 1], cpuMillis(hub.pid()) - cpu);
            }
            System.out.printf("hub RSS after the changes: %d MB%n", rssMb(hub.pid()));

            String[] oldInstance = instance.clone();
            hub.kill();
            writePools(5);
            long restart = System.nanoTime();
            HubProcess again = HubProcess.start(config, api);
            long up = System.nanoTime();
            long cpu = cpuMillis(again.pid());
            awaitAll(poller, subs, dealers, null, 600_000, null, oldInstance);
            long now = System.nanoTime();
            System.out.printf("hub restart: up in %d ms; all %d agents resynced %d ms after it was up;"
                    + " hub CPU meanwhile %d ms, RSS %d MB%n", (up - restart) / 1_000_000, n, (now - up) / 1_000_000,
                    cpuMillis(again.pid()) - cpu, rssMb(again.pid()));
            for (int i = 0; i < n; i++) {
                subs[i].close();
                dealers[i].close();
            }
            again.close();
        } finally {
            hub.close();
        }
    }

    interface RevisionTest {
        boolean test(long revision);
    }

    private void awaitAll(ZMQ.Poller poller, ZMQ.Socket[] subs, ZMQ.Socket[] dealers, RevisionTest test, long timeoutMs)
            throws IOException {
        awaitAll(poller, subs, dealers, test, timeoutMs, null, null);
    }

    private void awaitAll(ZMQ.Poller poller, ZMQ.Socket[] subs, ZMQ.Socket[] dealers, RevisionTest test, long timeoutMs,
                          long[] before) throws IOException {
        awaitAll(poller, subs, dealers, test, timeoutMs, before, null);
    }

    /** Polls every socket until each agent satisfies the condition (newer revision, or a new hub instance). */
    private void awaitAll(ZMQ.Poller poller, ZMQ.Socket[] subs, ZMQ.Socket[] dealers, RevisionTest test, long timeoutMs,
                          long[] before, String[] oldInstance) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long nextAsk = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            int done = 0;
            for (int i = 0; i < n; i++) {
                boolean ok = test != null ? test.test(revision[i])
                        : oldInstance != null ? instance[i] != null && !instance[i].equals(oldInstance[i])
                        : revision[i] > before[i];
                done += ok ? 1 : 0;
            }
            if (done == n) {
                return;
            }
            poller.poll(100);
            for (int i = 0; i < n; i++) {
                if (poller.pollin(2 * i)) {
                    drain(subs[i], i, true, dealers[i]);
                }
                if (poller.pollin(2 * i + 1)) {
                    drain(dealers[i], i, false, dealers[i]);
                }
            }
            if (oldInstance != null && System.nanoTime() > nextAsk) {
                nextAsk = System.nanoTime() + 2_000_000_000L; // as agents do after a silent hub
                for (int i = 0; i < n; i++) {
                    if (instance[i] == null || instance[i].equals(oldInstance[i])) {
                        dealers[i].sendMore(SyncProtocol.ICANHAZ);
                        dealers[i].send(ids.get(i), ZMQ.DONTWAIT);
                    }
                }
            }
        }
        throw new IOException("not every agent got there within " + timeoutMs + " ms");
    }

    private void drain(ZMQ.Socket socket, int i, boolean sub, ZMQ.Socket dealer) {
        while (true) {
            List<byte[]> frames = new ArrayList<>();
            byte[] first = socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return;
            }
            frames.add(first);
            while (socket.hasReceiveMore()) {
                frames.add(socket.recv(0));
            }
            if (sub) {
                frames.remove(0);
            }
            String command = new String(frames.get(0), StandardCharsets.UTF_8);
            if (command.equals(SyncProtocol.KVNEW) && frames.size() == 3) {
                String inst = HexFormat.of().formatHex(frames.get(1));
                if (!inst.equals(instance[i]) || SyncProtocol.readLong(frames.get(2)) > revision[i]) {
                    dealer.sendMore(SyncProtocol.ICANHAZ); // as an agent does: ask for the announced state
                    dealer.send(ids.get(i), ZMQ.DONTWAIT);
                }
            }
            if (command.equals(SyncProtocol.KTHXBAI) && frames.size() == 4) {
                String inst = HexFormat.of().formatHex(frames.get(1));
                long rev = SyncProtocol.readLong(frames.get(2));
                if (!inst.equals(instance[i]) || rev > revision[i]) {
                    instance[i] = inst;
                    revision[i] = rev;
                    receivedAt[i] = System.nanoTime();
                }
            }
        }
    }

    private String pools(int round) {
        StringBuilder doc = new StringBuilder("{\"agents\":{");
        for (int i = 0; i < n; i++) {
            doc.append(i == 0 ? "" : ",").append('"').append(ids.get(i)).append("\":{\"listeners\":{\"web\":{\"port\":"
                    + (10000 + i) + ",\"pool\":\"web\"}},\"pools\":{\"web\":{\"lb_algorithm\":\"LEAST_CONNECTIONS\","
                    + "\"healthmonitor\":\"hc\"}},\"members\":{\"web_1\":{\"pool\":\"web\",\"address\":\"192.0.2.10\","
                    + "\"protocol_port\":80,\"weight\":" + round + "},\"web_2\":{\"pool\":\"web\",\"address\":"
                    + "\"192.0.2.11\",\"protocol_port\":80}},\"healthmonitors\":{\"hc\":{\"type\":\"HTTP\",\"delay\":5,"
                    + "\"timeout\":2,\"url_path\":\"/healthz\"}}}");
        }
        return doc.append("}}").toString();
    }

    private void writePools(int round) throws IOException {
        Path temp = dir.resolve("pools.tmp");
        Files.writeString(temp, pools(round));
        Files.move(temp, dir.resolve("pools.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static ZMQ.Socket client(ZMQ.Context context, SocketType type, CurveKeyFile keys, String serverKey) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setReconnectIVL(500);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        return socket;
    }

    /** utime + stime of a process, in ms (USER_HZ 100). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static long rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int p = freePort();
            try (ServerSocket next = new ServerSocket(p + 1)) {
                return p;
            } catch (IOException taken) {
                // another
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
