package io.edgelb.agent.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects hang: a listener that never accepts, with its accept queue
 * filled. Linux drops SYNs to a full queue, so a connect times out — the only way to test
 * timeout_member_connect without leaving loopback.
 */
public final class SynSwallower implements AutoCloseable {
    private static final int MAX_FILL = 8;

    private final ServerSocket server;
    private final List<Socket> fill = new ArrayList<>();

    private SynSwallower(ServerSocket server) {
        this.server = server;
    }

    public static SynSwallower start() throws IOException {
        SynSwallower swallower = new SynSwallower(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        for (int i = 0; i < MAX_FILL; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(swallower.server.getLocalSocketAddress(), 200);
                swallower.fill.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return swallower; // the queue is full: further SYNs are dropped
            }
        }
        swallower.close();
        throw new IOException("the accept queue never filled; cannot make a silent port here");
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : fill) {
            socket.close();
        }
        server.close();
    }
}
