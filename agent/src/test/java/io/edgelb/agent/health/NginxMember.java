package io.edgelb.agent.health;

import io.edgelb.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx as a pool member, run in the foreground (no daemon, no master) from a temporary
 * prefix on loopback ports: HTTP and HTTPS each with {@code listen ... proxy_protocol}, and a plain
 * HTTP port. The certificate is a throwaway self-signed one from openssl. {@code /forwarded}
 * answers with the X-Forwarded-For and X-Forwarded-Proto it received (for the HTTP listener's test).
 */
public final class NginxMember implements AutoCloseable {
    private final Path prefix;
    private final Process process;
    final InetSocketAddress proxyHttp;
    final InetSocketAddress proxyHttps;
    public final InetSocketAddress plainHttp;

    private NginxMember(Path prefix, Process process, int[] ports) {
        this.prefix = prefix;
        this.process = process;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.proxyHttp = new InetSocketAddress(loopback, ports[0]);
        this.proxyHttps = new InetSocketAddress(loopback, ports[1]);
        this.plainHttp = new InetSocketAddress(loopback, ports[2]);
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) && Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    public static NginxMember start(Path prefix) throws Exception {
        run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", prefix.resolve("key.pem").toString(),
                "-out", prefix.resolve("cert.pem").toString()), prefix.resolve("openssl.log"));
        Files.createDirectories(prefix.resolve("tmp"));
        int[] ports = {freePort(), freePort(), freePort()};
        String p = prefix.toString();
        String server = "        location / { return 200 \"ok $proxy_protocol_addr\\n\"; }\n"
                + "        location = /forwarded { return 200 \"$http_x_forwarded_for|$http_x_forwarded_proto\"; }\n";
        Files.writeString(prefix.resolve("nginx.conf"), "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                + "pid " + p + "/nginx.pid;\nerror_log " + p + "/error.log info;\n"
                + "events { worker_connections 64; }\n"
                + "http {\n    access_log " + p + "/access.log;\n"
                + "    client_body_temp_path " + p + "/tmp/body;\n    proxy_temp_path " + p + "/tmp/proxy;\n"
                + "    fastcgi_temp_path " + p + "/tmp/fastcgi;\n    uwsgi_temp_path " + p + "/tmp/uwsgi;\n"
                + "    scgi_temp_path " + p + "/tmp/scgi;\n"
                + "    server {\n        listen 127.0.0.1:" + ports[0] + " proxy_protocol;\n" + server + "    }\n"
                + "    server {\n        listen 127.0.0.1:" + ports[1] + " ssl proxy_protocol;\n"
                + "        ssl_certificate " + p + "/cert.pem;\n        ssl_certificate_key " + p + "/key.pem;\n"
                + server + "    }\n"
                + "    server {\n        listen 127.0.0.1:" + ports[2] + ";\n" + server + "    }\n"
                + "}\n");
        Process process = new ProcessBuilder("/usr/sbin/nginx", "-p", p, "-e", p + "/error.log", "-c",
                p + "/nginx.conf").redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        NginxMember nginx = new NginxMember(prefix, process, ports);
        try {
            Await.until(() -> !process.isAlive() || nginx.listening(), Duration.ofSeconds(10), "nginx listening");
            if (!process.isAlive()) {
                throw new IOException("nginx exited: " + nginx.log());
            }
        } catch (Exception | AssertionError e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    private boolean listening() {
        for (InetSocketAddress address : List.of(proxyHttp, proxyHttps, plainHttp)) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 200);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** nginx's error log: "broken header" lines are the checks it refused. */
    String log() throws IOException {
        Path log = prefix.resolve("error.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    String accessLog() throws IOException {
        Path log = prefix.resolve("access.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command, Path log) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " failed: " + Files.readString(log));
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
