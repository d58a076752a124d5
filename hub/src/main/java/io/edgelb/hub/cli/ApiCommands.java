package io.edgelb.hub.cli;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.secret.ApiToken;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.config.HubConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code agents} and {@code push}: operator commands against a running hub's API. */
final class ApiCommands {
    private ApiCommands() {
    }

    static int agents(List<String> args, PrintStream out, PrintStream err) {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(args, "/api/agents")).GET());
            if (response.statusCode() != 200) {
                err.println("edgelb-hub: " + response.statusCode() + " " + response.body().strip());
                return 1;
            }
            if (args.contains("--json")) {
                out.println(response.body().strip());
                return 0;
            }
            out.printf("%-20s %-8s %-15s %-15s %-8s %s%n", "AGENT", "ONLINE", "DESIRED", "APPLIED", "MEMBERS",
                    "HEALTH / LAST ERROR");
            for (JsonValue value : Json.parse(response.body()).asObject().get("agents").asArray()) {
                JsonObject a = value.asObject();
                JsonObject health = a.get("health").asObject();
                List<String> states = new ArrayList<>();
                for (JsonObject.Member m : health) {
                    if (!m.getName().equals("members")) {
                        states.add(m.getName() + " " + m.getValue());
                    }
                }
                JsonValue error = a.get("last_apply_error");
                out.printf("%-20s %-8s %-15d %-15d %-8d %s%n", a.getString("id", "?"), a.getBoolean("online", false)
                                ? "yes" : "no", a.getLong("desired_revision", 0), a.getLong("applied_revision", 0),
                        health.getInt("members", 0), error != null && !error.isNull() ? "error: " + error.asString()
                                : String.join(", ", states));
            }
            return 0;
        } catch (IOException e) {
            err.println("edgelb-hub: cannot reach the hub API: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static int push(List<String> args, PrintStream out, PrintStream err) {
        List<String> positional = positional(args);
        if (positional.size() != 3) {
            throw new Main.UsageException("push needs AGENT POOL FILE");
        }
        try {
            String body = Main.read(positional.get(2));
            String tokenFile = Main.option(args, "--token-file", false);
            if (tokenFile == null) {
                HubConfig config = config(args);
                tokenFile = config == null ? HubConfig.DEFAULT_TOKEN_FILE : config.apiTokenFile();
            }
            ApiToken token = ApiToken.read(Path.of(tokenFile));
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(args, "/api/agents/" + positional.get(0)
                    + "/pools/" + positional.get(1) + "/members")).header("Authorization", "Bearer " + token.value())
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
            if (response.statusCode() != 200) {
                err.println("edgelb-hub: " + response.statusCode() + " " + response.body().strip());
                return 1;
            }
            out.println(response.body().strip());
            return 0;
        } catch (IOException e) {
            err.println("edgelb-hub: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static List<String> positional(List<String> args) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("--")) {
                if (!args.get(i).equals("--json")) {
                    i++;
                }
            } else {
                result.add(args.get(i));
            }
        }
        return result;
    }

    private static HubConfig config(List<String> args) throws IOException {
        String file = Main.option(args, "--config", false);
        if (file == null) {
            return null;
        }
        try {
            return HubConfigLoader.load(Path.of(file));
        } catch (HubConfigLoader.InvalidConfigException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static URI uri(List<String> args, String path) throws IOException {
        String api = Main.option(args, "--api", false);
        if (api == null) {
            HubConfig config = config(args);
            api = config == null ? HubConfig.DEFAULT_API : config.api();
        }
        return URI.create("http://" + api + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
