package io.edgelb.agent.cli;

import io.edgelb.agent.daemon.Agent;
import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.agent.daemon.Logging;
import io.edgelb.agent.daemon.SignalHandlers;
import io.edgelb.agent.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.tinylog.Logger;

/**
 * {@code demo}: the Quick start. Two built-in HTTP backends and the embedded default configuration
 * ({@code demo.uci}, parsed like any /etc/config/edgelb), balanced on 127.0.0.1.
 */
final class DemoCommand {
    static final int DEFAULT_PORT = 8080;

    private DemoCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 0, Set.of("port", "api"), Set.of());
        int port = parsePort(args.option("port", Integer.toString(DEFAULT_PORT)));
        String api = args.option("api", "127.0.0.1:8089");
        Logging.configure("info");
        SignalHandlers signals = SignalHandlers.install();
        Transport transport = Transport.select();
        EventLoopGroup backends = transport.newGroup(1, "edgelb-demo");
        int[] backendPorts = {port + 1, port + 2};
        try (DemoBackend one = DemoBackend.start("backend 1", new InetSocketAddress("127.0.0.1", backendPorts[0]),
                backends, transport);
             DemoBackend two = DemoBackend.start("backend 2", new InetSocketAddress("127.0.0.1", backendPorts[1]),
                     backends, transport)) {
            Path stateDir = Files.createTempDirectory("edgelb-demo");
            String text = template()
                    .replace("@PORT@", Integer.toString(port))
                    .replace("@BACKEND1@", Integer.toString(backendPorts[0]))
                    .replace("@BACKEND2@", Integer.toString(backendPorts[1]))
                    .replace("@API@", api)
                    .replace("@STATE_DIR@", stateDir.toString());
            ConfigSource source = ConfigSources.text("demo (embedded configuration)", text);
            ConfigSource.Loaded loaded = source.load();
            if (!loaded.ok()) {
                loaded.messages().forEach(err::println);
                return 1;
            }
            Agent agent = Agent.start(source, loaded, transport);
            out.println();
            out.println("edgelb demo: balancing http://127.0.0.1:" + port + "/ over two demo backends (127.0.0.1:"
                    + backendPorts[0] + " and 127.0.0.1:" + backendPorts[1] + ")");
            out.println("  try:     curl http://127.0.0.1:" + port + "/      (answers alternate between backend 1 and 2)");
            out.println("  status:  java -jar agent/target/edgelb-agent.jar status --api " + api
                    + "   (or http://" + api + "/api/status, /metrics)");
            out.println("  stop:    Ctrl-C");
            out.println();
            out.flush();
            signals.attach(agent);
            agent.awaitStopped();
            return 0;
        } catch (Agent.StartupException | IllegalStateException e) {
            Logger.error("demo cannot start: {} (try another port: demo --port N)", e.getMessage());
            return 1;
        } catch (IOException e) {
            Logger.error("demo cannot start: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            backends.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    static String template() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.uci")) {
            if (in == null) {
                throw new IOException("the embedded demo configuration is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int parsePort(String text) {
        int port = io.edgelb.model.Numbers.parseInt(text, -1);
        if (port < 1 || port > 65533) {
            throw new Args.UsageException("--port must be 1-65533 (the backends take the next two ports)");
        }
        return port;
    }
}
