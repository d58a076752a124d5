package io.edgelb.tests.vrrp;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client of the VIP, run in the client namespace as {@code java ... ConnectLoop HOST PORT
 * INTERVAL_MS MAX_SECONDS}: one new connection and HTTP/1.0 request every interval, one line per
 * attempt on standard output ({@code MILLIS ok BODY} or {@code MILLIS fail REASON}). It stops when
 * its standard input closes (the test is done) or after MAX_SECONDS, whichever comes first.
 */
public final class ConnectLoop {
    private ConnectLoop() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long interval = Long.parseLong(args[2]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[3]) * 1000;
        Thread stdinWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // drain until the test closes it
                }
            } catch (java.io.IOException ignored) {
                // closed either way
            }
            System.out.flush();
            System.exit(0);
        });
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        while (System.currentTimeMillis() < deadline) {
            long start = System.currentTimeMillis();
            System.out.println(start + " " + attempt(host, port));
            System.out.flush();
            long rest = interval - (System.currentTimeMillis() - start);
            if (rest > 0) {
                Thread.sleep(rest); // the pace of the loop, not a synchronisation
            }
        }
    }

    /**
     * While the VIP is black-holed (a link down) each attempt fails only when this runs out, so it
     * is the resolution of the measured gap: with keepalived's master-down time of up to 3.6 s
     * (3 adverts + skew) and 500 ms here, a gap could read 4.1 s for a 3.6 s move. 250 ms keeps the
     * reading within 0.3 s of the move; a healthy connect in the test's namespaces takes < 1 ms.
     */
    private static final int CONNECT_TIMEOUT_MS = 250;

    private static String attempt(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ")) {
                return "fail bad-response";
            }
            String body = response.substring(response.indexOf("\r\n\r\n") + 4).trim();
            return "ok " + body;
        } catch (Exception e) {
            return "fail " + e.getClass().getSimpleName();
        }
    }
}
