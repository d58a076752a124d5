package io.edgelb.hub.cli;

import io.edgelb.hub.Hub;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.config.HubConfigLoader;
import io.edgelb.hub.source.FileSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;
import org.zeromq.ZMQ;

/**
 * The {@code edgelb-hub} command line: {@code run}, {@code check}, {@code keygen}, {@code agents},
 * {@code push}. Exit status 0 on success, 1 on failure, 2 on a bad command line.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: edgelb-hub COMMAND [OPTIONS]",
            "",
            "  run --config FILE                 run the hub in the foreground",
            "  check --config FILE               validate the config (and a file source's document)",
            "  keygen --out FILE [--force]       write a CURVE key pair (mode 0600); prints the public key",
            "  agents [--json]                   agents of the running hub: online, revisions, health",
            "  push AGENT POOL FILE              replace a pool's members (file source); FILE '-' = stdin,",
            "                                    holding {\"members\": {\"ID\": {\"address\": ..., \"protocol_port\": ...}}}",
            "",
            "agents and push find the hub through --api HOST:PORT, else the config given with --config,",
            "else 127.0.0.1:8090; push reads the token from --token-file, else the config's api_token_file.");

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (UsageException e) {
            System.err.println("edgelb-hub: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            throw new UsageException("a command is required");
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return switch (args[0]) {
            case "run" -> serve(option(rest, "--config", true), err);
            case "check" -> check(option(rest, "--config", true), out, err);
            case "keygen" -> Keygen.run(option(rest, "--out", true), rest.contains("--force"), out, err);
            case "agents" -> ApiCommands.agents(rest, out, err);
            case "push" -> ApiCommands.push(rest, out, err);
            case "help", "--help", "-h" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        };
    }

    static String option(List<String> args, String name, boolean required) {
        int at = args.indexOf(name);
        if (at < 0 || at + 1 >= args.size()) {
            if (required) {
                throw new UsageException("needs " + name + " VALUE");
            }
            return null;
        }
        return args.get(at + 1);
    }

    private static int check(String file, PrintStream out, PrintStream err) {
        HubConfig config;
        try {
            config = HubConfigLoader.load(Path.of(file));
        } catch (HubConfigLoader.InvalidConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (config.source() instanceof HubConfig.FileSourceConfig source) {
            FileSource.Result result = FileSource.read(Path.of(source.path()));
            result.warnings().forEach(w -> err.println("warning: " + w));
            if (!result.ok()) {
                result.errors().forEach(err::println);
                return 1;
            }
        }
        out.println(file + ": ok");
        return 0;
    }

    private static int serve(String file, PrintStream err) {
        HubConfig config;
        try {
            config = HubConfigLoader.load(Path.of(file));
        } catch (HubConfigLoader.InvalidConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (!Configuration.isFrozen()) {
            Configuration.set("writer", "console");
            Configuration.set("writer.level", config.logLevel());
            Configuration.set("writer.stream", "err@WARN");
            Configuration.set("writer.format", "{date:yyyy-MM-dd HH:mm:ss.SSS} {level|min-size=5} {message}");
            Configuration.set("writingthread", "false");
        }
        if (config.source() instanceof HubConfig.FileSourceConfig source) {
            FileSource.Result result = FileSource.read(Path.of(source.path()));
            if (!result.ok()) {
                Logger.error("{} is not valid; not starting:", source.path());
                result.errors().forEach(e -> Logger.error("  {}", e));
                return 1;
            }
        }
        Hub hub;
        try {
            hub = Hub.start(config);
        } catch (IOException | RuntimeException e) {
            Logger.error("cannot start: {}", e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.info("stopping");
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(STOP_TIMEOUT_MS);
                } catch (InterruptedException e) {
                    return;
                }
                Logger.error("not stopped within {} ms; halting", STOP_TIMEOUT_MS);
                Runtime.getRuntime().halt(1);
            }, "hub-stop-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            hub.close();
            watchdog.interrupt();
        }, "hub-shutdown"));
        try {
            hub.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (hub.hasFailed()) {
            Logger.error("exiting with status {} so that the supervisor restarts the hub", FAILED);
            return FAILED;
        }
        return 0;
    }

    /** Exit status when a part of the hub failed while running (EX_SOFTWARE). */
    static final int FAILED = 70;
    /** Shutdown never takes longer than this, whatever the sockets hold. */
    static final long STOP_TIMEOUT_MS = 10_000;

    /** {@code keygen}: a new key pair for the hub (or for a test agent). */
    static final class Keygen {
        private Keygen() {
        }

        static int run(String out, boolean force, PrintStream stdout, PrintStream err) {
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            try {
                new io.edgelb.model.sync.CurveKeyFile(pair.publicKey, pair.secretKey).write(Path.of(out), force);
            } catch (IOException e) {
                err.println("edgelb-hub: " + e.getMessage());
                return 1;
            }
            stdout.println(pair.publicKey);
            return 0;
        }
    }

    static String read(String file) throws IOException {
        return file.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
    }

    /** Bad command line: usage and exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
