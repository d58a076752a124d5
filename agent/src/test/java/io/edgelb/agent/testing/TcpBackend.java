package io.edgelb.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member for relay tests: a TCP server on loopback that greets each connection with its name
 * (so a client knows where it landed) and then behaves as told: echo until EOF, stay silent,
 * reset, or stream bytes. It records what each connection sent first (PROXY headers). Test code:
 * a thread per connection is fine here.
 */
public final class TcpBackend implements AutoCloseable {
    /** What the backend does with a connection after its greeting. */
    public enum Mode {
        /** Writes back everything it reads; closes after the client's EOF. */
        ECHO,
        /** Reads and discards, never writes. */
        SILENT,
        /** Reads one byte, then sends an RST: a reset in the middle of a stream. */
        RESET,
        /** Sends streamBytes bytes, then closes. */
        STREAM
    }

    private final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<byte[]> firstBytes = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger streamsWritten = new AtomicInteger();
    private volatile boolean resetAfterStream;
    private volatile Mode mode = Mode.ECHO;
    private volatile boolean greet = true;
    private volatile long streamBytes;
    private volatile int captureBytes;
    private volatile String trailer;
    private static final int LINE = -1;

    private TcpBackend(String name, ServerSocket server) {
        this.name = name;
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    public static TcpBackend start(String name) throws IOException {
        return start(name, InetAddress.getLoopbackAddress());
    }

    public static TcpBackend start(String name, InetAddress bind) throws IOException {
        return start(name, bind, 0);
    }

    /** On a given port: a member that comes back where it was after {@link #close()}. */
    public static TcpBackend start(String name, InetAddress bind, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 200);
        return new TcpBackend(name, server);
    }

    public TcpBackend mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** Without a greeting, the first bytes a client reads are the member's own payload. */
    public TcpBackend greet(boolean greet) {
        this.greet = greet;
        return this;
    }

    public TcpBackend streaming(long bytes) {
        this.streamBytes = bytes;
        this.mode = Mode.STREAM;
        return this;
    }

    /** Records the first n bytes each connection sends (the PROXY header), before the mode applies. */
    public TcpBackend capture(int n) {
        this.captureBytes = n;
        return this;
    }

    /** Records the first line (up to and including CRLF) each connection sends: a PROXY v1 header. */
    public TcpBackend captureLine() {
        this.captureBytes = LINE;
        return this;
    }

    /** In ECHO mode, written after the client's EOF: proof that the reverse direction stayed open. */
    public TcpBackend trailer(String text) {
        this.trailer = text;
        return this;
    }

    /** In STREAM mode, end with an RST instead of a FIN once everything is written. */
    public TcpBackend resetAfterStream() {
        this.resetAfterStream = true;
        return this;
    }

    /** How many STREAM connections have had all their bytes accepted by the kernel. */
    public int streamsWritten() {
        return streamsWritten.get();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return server.getInetAddress().getHostAddress();
    }

    public int accepted() {
        return accepted.get();
    }

    public int openConnections() {
        open.removeIf(Socket::isClosed);
        return open.size();
    }

    public List<byte[]> captured() {
        return List.copyOf(firstBytes);
    }

    /** Stops accepting and resets every open connection: the member "dies". */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (captureBytes > 0) {
                firstBytes.add(in.readNBytes(captureBytes));
            } else if (captureBytes == LINE) {
                java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != -1) {
                    line.write(c);
                    if (c == '\n') {
                        break;
                    }
                }
                firstBytes.add(line.toByteArray());
            }
            Mode current = mode;
            if (current == Mode.RESET) {
                in.read();
                socket.setSoLinger(true, 0);
                return;
            }
            if (greet) {
                out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            switch (current) {
                case ECHO -> {
                    in.transferTo(out);
                    if (trailer != null) {
                        out.write(trailer.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
                case SILENT -> in.transferTo(OutputStream.nullOutputStream());
                case STREAM -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = (byte) i;
                    }
                    long left = streamBytes;
                    while (left > 0) {
                        int n = (int) Math.min(chunk.length, left);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    streamsWritten.incrementAndGet();
                    if (resetAfterStream) {
                        socket.setSoLinger(true, 0);
                        return;
                    }
                }
                default -> { }
            }
            socket.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SocketException expected) {
            // client or test reset the connection
        } catch (IOException e) {
            // ends this connection only
        } finally {
            open.remove(socket);
        }
    }
}
