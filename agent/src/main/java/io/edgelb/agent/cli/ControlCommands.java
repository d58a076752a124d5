package io.edgelb.agent.cli;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.secret.ApiToken;
import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.model.AgentSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code status}, {@code reload}, {@code drain} and {@code enable}: talk to a running agent's local API. */
final class ControlCommands {
    static final String DEFAULT_CONFIG = "/etc/config/edgelb";
    private static final Set<String> OPTIONS = Set.of("api", "config", "token-file");

    private ControlCommands() {
    }

    static int status(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 0, OPTIONS, Set.of("json"));
        Target target = Target.of(args);
        try {
            ApiClient.Response response = new ApiClient(target.api(), null).get("/api/status");
            if (response.status() != 200) {
                err.println("edgelb: the agent at " + target.api() + " answered " + response.status() + ": "
                        + response.body().strip());
                return 1;
            }
            JsonObject status = response.json();
            out.print(args.flag("json") ? status.toString(com.eclipsesource.json.WriterConfig.PRETTY_PRINT) + "\n"
                    : StatusTable.render(status));
            return 0;
        } catch (IOException e) {
            return unreachable(err, target, e);
        }
    }

    static int reload(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 0, OPTIONS, Set.of());
        return post(args, "/api/reload", out, err);
    }

    static int drain(String[] argv, PrintStream out, PrintStream err, boolean drain) {
        Args args = Args.parse(argv, 0, OPTIONS, Set.of());
        if (args.positional().size() != 1) {
            throw new Args.UsageException((drain ? "drain" : "enable") + " needs one MEMBER id");
        }
        return post(args, "/api/members/" + args.positional().get(0) + (drain ? "/drain" : "/enable"), out, err);
    }

    private static int post(Args args, String path, PrintStream out, PrintStream err) {
        Target target = Target.of(args);
        String token;
        try {
            token = ApiToken.read(Path.of(target.tokenFile())).value();
        } catch (IOException e) {
            err.println("edgelb: cannot read the API token from " + target.tokenFile() + " (" + e.getMessage()
                    + "); run as root, or name the file with --token-file");
            return 1;
        }
        try {
            ApiClient.Response response = new ApiClient(target.api(), token).post(path);
            JsonObject body = response.json();
            if (response.status() == 200) {
                out.println(path.equals("/api/reload")
                        ? "reloaded: generation " + body.getLong("generation", 0) + " in force"
                        : "member " + body.getString("member", "?")
                                + (body.getBoolean("drained", false) ? " drained" : " enabled"));
                printList(body, "warnings", out);
                return 0;
            }
            if (body.get("errors") != null) {
                err.println("edgelb: the agent rejected the new configuration and keeps generation "
                        + body.getLong("generation", 0) + ":");
                printList(body, "errors", err);
            } else {
                err.println("edgelb: " + body.getString("error", response.body().strip()));
            }
            return 1;
        } catch (IOException e) {
            return unreachable(err, target, e);
        }
    }

    private static void printList(JsonObject body, String name, PrintStream stream) {
        JsonValue list = body.get(name);
        if (list != null && list.isArray()) {
            list.asArray().forEach(v -> stream.println("  " + v.asString()));
        }
    }

    private static int unreachable(PrintStream err, Target target, IOException e) {
        err.println("edgelb: cannot reach the agent at http://" + target.api() + "/ (" + e.getMessage()
                + "); is it running? (--api HOST:PORT names another)");
        return 1;
    }

    /** Where the agent's API is and which token file to use, from the options or the configuration. */
    private record Target(String api, String tokenFile) {
        static Target of(Args args) {
            AgentSettings settings = AgentSettings.defaults();
            Path config = Path.of(args.option("config", DEFAULT_CONFIG));
            if (Files.isReadable(config)) {
                ConfigSource.Loaded loaded = ConfigSources.file(config).load();
                if (loaded.config() != null) {
                    settings = loaded.config().agent();
                }
            } else if (args.option("config") != null) {
                throw new Args.UsageException("cannot read " + config);
            }
            return new Target(args.option("api", settings.api()),
                    args.option("token-file", settings.effectiveTokenFile()));
        }
    }
}
