package io.edgelb.tests.netns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The HTTP service of one VM namespace, run as {@code ip netns exec VM java ... VmServer PORT NAME}:
 * {@code /} answers the VM's name, {@code /whoami} the client address it sees, {@code /bytes?n=N} N
 * bytes of {@link #pattern} (to check large transfers end to end).
 */
public final class VmServer {
    private VmServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String name = args[1];
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 128);
        server.createContext("/", exchange -> reply(exchange, name + "\n"));
        server.createContext("/whoami", exchange -> reply(exchange,
                exchange.getRemoteAddress().getAddress().getHostAddress() + "\n"));
        server.createContext("/bytes", VmServer::bytes);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    private static void reply(HttpExchange exchange, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void bytes(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long n = Long.parseLong(query.substring(query.indexOf("n=") + 2));
        exchange.sendResponseHeaders(200, n);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            long sent = 0;
            while (sent < n) {
                int len = (int) Math.min(chunk.length, n - sent);
                for (int i = 0; i < len; i++) {
                    chunk[i] = pattern(sent + i);
                }
                out.write(chunk, 0, len);
                sent += len;
            }
        }
    }

    /** Byte i of every /bytes body: position-dependent, so a lost or repeated segment shows. */
    public static byte pattern(long i) {
        return (byte) ((i * 31 + (i >>> 11)) & 0xff);
    }
}
