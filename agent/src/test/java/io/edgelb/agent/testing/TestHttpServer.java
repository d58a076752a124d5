package io.edgelb.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A member for tests: an HTTP/1.1 server on loopback (port 0), plain or TLS, whose behaviour can
 * be switched while it runs (answer a status, answer late, stall, close at once, send garbage).
 * It records every request it read, with the behaviour it applied, and counts connections.
 *
 * <p>Blocking sockets and a thread per connection: fine for a test, and independent of the netty
 * code under test. A switch of behaviour applies to requests read after it.
 */
public final class TestHttpServer implements AutoCloseable {
    private static final int MAX_HEAD = 16 * 1024;
    private static final byte[] BAD_REQUEST =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);

    private enum Mode { ANSWER, ANSWER_LATE, STALL, CLOSE, GARBAGE }

    private record Behaviour(Mode mode, int status, String body, long delayMillis, int garbageBytes) {
        String label() {
            switch (mode) {
                case ANSWER:
                case ANSWER_LATE:
                    return Integer.toString(status);
                default:
                    return mode.name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /**
     * A request as received. {@code answer} is the status answered ("200") or what was done
     * instead ("stall", "garbage", "close"); {@code serverName} is the TLS SNI, or null.
     */
    public record Request(String method, String path, String version, Map<String, String> headers,
                          String serverName, String answer) {
        /** A header by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket server;
    private final SSLSocketFactory tls;
    private final ExecutorService threads;
    private final ScheduledExecutorService timers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Behaviour behaviour = new Behaviour(Mode.ANSWER, 200, "ok\n", 0, 0);
    private volatile boolean closed;

    private TestHttpServer(InetAddress bind, boolean useTls) throws IOException {
        this.tls = useTls ? TestCertificate.serverContext().getSocketFactory() : null;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(bind, 0), 128);
        this.threads = Executors.newCachedThreadPool(daemon("test-http-" + server.getLocalPort()));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("test-http-timer-" + server.getLocalPort()));
        threads.execute(this::acceptLoop);
    }

    /** A plain HTTP server on 127.0.0.1. */
    public static TestHttpServer start() throws IOException {
        return start(InetAddress.getLoopbackAddress(), false);
    }

    /** An HTTPS server on 127.0.0.1 with the {@link TestCertificate}. */
    public static TestHttpServer startTls() throws IOException {
        return start(InetAddress.getLoopbackAddress(), true);
    }

    /** A server bound to {@code bind} (127.0.0.1 or ::1), plain or TLS. */
    public static TestHttpServer start(InetAddress bind, boolean useTls) throws IOException {
        return new TestHttpServer(bind, useTls);
    }

    // --- behaviour ------------------------------------------------------------------------------

    public TestHttpServer answer(int status) {
        return answer(status, "status " + status + "\n");
    }

    public TestHttpServer answer(int status, String body) {
        behaviour = new Behaviour(Mode.ANSWER, status, body, 0, 0);
        return this;
    }

    /** Answers {@code status} only after {@code delay}; the request counts as in flight until then. */
    public TestHttpServer answerAfter(Duration delay, int status) {
        behaviour = new Behaviour(Mode.ANSWER_LATE, status, "late\n", delay.toMillis(), 0);
        return this;
    }

    /** Reads the request, then never answers; in flight until the client closes. */
    public TestHttpServer stall() {
        behaviour = new Behaviour(Mode.STALL, 0, "", 0, 0);
        return this;
    }

    /** Closes every new connection as soon as it is accepted (before TLS, before reading). */
    public TestHttpServer closeAtOnce() {
        behaviour = new Behaviour(Mode.CLOSE, 0, "", 0, 0);
        return this;
    }

    /** Reads the request, sends {@code bytes} bytes without a newline, then stalls. */
    public TestHttpServer sendGarbage(int bytes) {
        behaviour = new Behaviour(Mode.GARBAGE, 0, "", 0, bytes);
        return this;
    }

    // --- observations ---------------------------------------------------------------------------

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    public int requestCount() {
        return requests.size();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public Request lastRequest() {
        synchronized (requests) {
            return requests.isEmpty() ? null : requests.get(requests.size() - 1);
        }
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** Connections accepted and not yet closed by either side. */
    public int openConnections() {
        return open.size();
    }

    /** Requests read but not yet answered (late answers, stalls). */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests ever in flight at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    // --- serving --------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(socket);
            connections.incrementAndGet();
            try {
                threads.execute(() -> serve(socket));
            } catch (RuntimeException e) {
                closeQuietly(socket, socket);
            }
        }
    }

    private void serve(Socket raw) {
        Socket socket = raw;
        boolean handedOver = false;
        try {
            if (behaviour.mode == Mode.CLOSE) {
                return;
            }
            raw.setSoTimeout(30_000); // a test that forgets a client must not pin a thread for ever
            String serverName = null;
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(raw, null, raw.getPort(), true);
                ssl.setUseClientMode(false);
                socket = ssl;
                ssl.startHandshake();
                serverName = serverName(ssl.getSession());
            }
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            if (head.length == 0) {
                out.write(BAD_REQUEST); // as nginx answers a TLS hello or other non-HTTP bytes
                out.flush();
                return;
            }
            Behaviour b = behaviour;
            Request request = parse(new String(head, StandardCharsets.ISO_8859_1), serverName, b.label());
            requests.add(request);
            switch (b.mode) {
                case ANSWER:
                    respond(out, b, request);
                    break;
                case ANSWER_LATE:
                    enter();
                    handedOver = true;
                    Socket late = socket;
                    timers.schedule(() -> {
                        inFlight.decrementAndGet(); // before the answer: the client cannot see it still counted
                        try {
                            respond(out, b, request);
                        } catch (IOException e) {
                            // the client gave up first
                        } finally {
                            closeQuietly(late, raw);
                        }
                    }, b.delayMillis, TimeUnit.MILLISECONDS);
                    break;
                case STALL:
                    enter();
                    try {
                        drain(in);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    break;
                case GARBAGE:
                    byte[] chunk = new byte[8192];
                    Arrays.fill(chunk, (byte) 'x');
                    for (int left = b.garbageBytes; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, Math.min(left, chunk.length));
                    }
                    out.flush();
                    drain(in);
                    break;
                default:
                    break; // CLOSE switched on after this connection was accepted
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (probes close with RST) or the server is closing.
        } finally {
            if (!handedOver) {
                closeQuietly(socket, raw);
            }
        }
    }

    private void enter() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    /**
     * The request head up to the blank line; null at EOF before it ends; empty when the bytes are
     * not an HTTP request (a TLS hello starts with 0x16, not a method).
     */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() == 0 && (b < 'A' || b > 'Z')) {
                return new byte[0];
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
            if (head.size() > MAX_HEAD) {
                return new byte[0];
            }
        }
    }

    private static Request parse(String head, String serverName, String answer) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ", -1);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "",
                requestLine.length > 2 ? requestLine[2] : "", Collections.unmodifiableMap(headers), serverName,
                answer);
    }

    private static void respond(OutputStream out, Behaviour b, Request request) throws IOException {
        byte[] body = b.body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + b.status + " " + reason(b.status) + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (!"HEAD".equals(request.method())) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 204:
                return "No Content";
            case 302:
                return "Found";
            case 404:
                return "Not Found";
            case 503:
                return "Service Unavailable";
            default:
                return "Whatever";
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // until the client closes
        }
    }

    private static String serverName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    private void closeQuietly(Socket socket, Socket raw) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
        try {
            raw.close();
        } catch (IOException e) {
            // nothing left to do
        }
        open.remove(raw);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : List.copyOf(open)) {
            closeQuietly(socket, socket);
        }
        timers.shutdownNow();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
            timers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
