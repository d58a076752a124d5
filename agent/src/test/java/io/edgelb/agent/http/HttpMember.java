package io.edgelb.agent.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keep-alive HTTP/1.1 member for the proxy's tests, on blocking sockets (independent of netty):
 * it reads whole requests (Content-Length and chunked bodies, hashed), records their headers, and
 * answers according to its mode. The ECHO answer's body lists what the member saw, one
 * {@code name=value} per line.
 */
final class HttpMember implements AutoCloseable {
    enum Mode {
        /** 200 with what the member saw; keeps the connection unless asked to close. */
        ECHO,
        /** Reads the request, then closes without a byte. */
        CLOSE_AFTER_REQUEST,
        /** Reads the request and never answers. */
        SILENT,
        /** 200 with a body of bigBytes bytes, counted as written in {@link #written()}. */
        BIG,
        /**
         * Answers a request with Upgrade by 101 and "welcome\n" in the same write, then echoes raw
         * bytes until the proxy's FIN; other requests as ECHO.
         */
        UPGRADE,
        /** Reads a request's header, then waits for {@link #release()} before reading its body; then as ECHO. */
        HOLD_BODY,
        /** Starts a response (as framed by {@link #framing}: LENGTH promises 100000 bytes), sends "hello", closes. */
        CUT
    }

    record Seen(String requestLine, Map<String, String> headers, long bodyLength, String bodySha256) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-member");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private volatile Mode mode = Mode.ECHO;
    private volatile Framing framing = Framing.LENGTH;

    /** How ECHO delimits its body. */
    enum Framing { LENGTH, CHUNKED, CLOSE }
    private volatile long bigBytes;
    private volatile boolean closeEach;
    private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);

    private HttpMember(String name, ServerSocket server) {
        this.name = name;
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    static HttpMember start(String name) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new HttpMember(name, server);
    }

    HttpMember mode(Mode newMode) {
        mode = newMode;
        return this;
    }

    /** Answers every request with Connection: close, and closes. */
    HttpMember closeEach(boolean close) {
        closeEach = close;
        return this;
    }

    HttpMember framing(Framing newFraming) {
        framing = newFraming;
        return this;
    }

    HttpMember big(long bytes) {
        bigBytes = bytes;
        return mode(Mode.BIG);
    }

    /** Lets HOLD_BODY read the bodies it holds back. */
    void release() {
        held.countDown();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    int connections() {
        return connections.get();
    }

    int openConnections() {
        return open.size();
    }

    long written() {
        return written.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException | RuntimeException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int served = 0; served < 10_000; served++) {
                String head = line(in);
                if (head == null) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                    int colon = line.indexOf(':');
                    headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
                if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                if (mode == Mode.HOLD_BODY && !held.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    return;
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long length = readBody(in, headers, sha);
                Seen request = new Seen(head, headers, length, HexFormat.of().formatHex(sha.digest()));
                seen.add(request);
                Mode now = mode;
                if (now == Mode.CLOSE_AFTER_REQUEST) {
                    return;
                }
                if (now == Mode.SILENT) {
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                boolean close = "close".equalsIgnoreCase(headers.get("connection")) || head.endsWith("HTTP/1.0")
                        && !"keep-alive".equalsIgnoreCase(headers.get("connection"));
                if (now == Mode.UPGRADE && headers.containsKey("upgrade")) {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + headers.get("upgrade")
                            + "\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                            + "welcome\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(out);
                    socket.shutdownOutput();
                    return;
                }
                if (now == Mode.CUT) {
                    String framingHeader = framing == Framing.CHUNKED ? "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                            : "Content-Length: 100000\r\n\r\nhello";
                    out.write(("HTTP/1.1 200 OK\r\n" + framingHeader).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                if (now == Mode.BIG) {
                    big(out, close);
                } else {
                    close |= framing == Framing.CLOSE || closeEach;
                    echo(out, request, close, head.startsWith("HEAD "));
                }
                if (close) {
                    return;
                }
            }
        } catch (Exception e) {
            // the proxy went away, or the member is closing
        } finally {
            open.remove(socket);
        }
    }

    private void echo(OutputStream out, Seen request, boolean close, boolean head) throws IOException {
        StringBuilder body = new StringBuilder("member=" + name + "\nrequest=" + request.requestLine() + "\n");
        request.headers().forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        body.append("body-length=").append(request.bodyLength()).append("\nbody-sha256=")
                .append(request.bodySha256()).append('\n');
        byte[] bytes = body.toString().getBytes(StandardCharsets.ISO_8859_1);
        Framing how = framing;
        String delimiter = switch (how) {
            case LENGTH -> "Content-Length: " + bytes.length + "\r\n";
            case CHUNKED -> "Transfer-Encoding: chunked\r\n";
            case CLOSE -> "";
        };
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + delimiter
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!head && how == Framing.CHUNKED) {
            int half = bytes.length / 2;
            out.write((Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, half);
            out.write(("\r\n" + Integer.toHexString(bytes.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, half, bytes.length - half);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (!head) {
            out.write(bytes);
        }
        out.flush();
    }

    private void big(OutputStream out, boolean close) throws IOException {
        long total = bigBytes;
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        for (long left = total; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            written.addAndGet(n);
            left -= n;
        }
        out.flush();
    }

    private static long readBody(InputStream in, Map<String, String> headers, MessageDigest sha) throws IOException {
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            long total = 0;
            for (int chunks = 0; chunks < 10_000_000; chunks++) {
                String sizeLine = line(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                        // trailers ignored
                    }
                    return total;
                }
                copy(in, size, sha);
                total += size;
                line(in); // CRLF after the chunk
            }
            throw new IOException("too many chunks");
        }
        String length = headers.get("content-length");
        long n = length == null ? 0 : Long.parseLong(length);
        copy(in, n, sha);
        return n;
    }

    private static void copy(InputStream in, long n, MessageDigest sha) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                throw new IOException("body cut");
            }
            sha.update(buffer, 0, read);
            n -= read;
        }
    }

    /** A line without its CRLF; null at EOF before any byte. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 64 * 1024; i++) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new IOException("line too long");
    }

    /** Closes every open connection (as a member's keep-alive timeout would), keeps listening. */
    void closeConnections() throws IOException {
        for (Socket s : open) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}
