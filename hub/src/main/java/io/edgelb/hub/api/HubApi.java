package io.edgelb.hub.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.hub.source.FileSource;
import io.edgelb.hub.sync.SyncStats;
import io.edgelb.model.HostPort;
import io.edgelb.model.json.JsonGuard;
import io.edgelb.model.secret.ApiToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * The hub's REST API (loopback by default): {@code GET /api/agents}, {@code GET /api/agents/ID},
 * {@code PUT /api/agents/ID/pools/POOL/members} (file source; token required), {@code GET /metrics}
 * and the Octavia provider's {@code POST /api/octavia/changes} and {@code GET /api/octavia/status}
 * ({@link OctaviaEndpoints}; token required).
 * The JDK's HTTP server with two threads: an operator's tool and a Prometheus scraper need no more.
 */
public final class HubApi implements AutoCloseable {
    private static final Pattern AGENT = Pattern.compile("/api/agents/([A-Za-z0-9_.-]{1,64})");
    private static final Pattern PUSH = Pattern.compile("/api/agents/([A-Za-z0-9_.-]{1,64})/pools/([A-Za-z0-9_.:-]{1,128})/members");
    private static final int MAX_BODY = 1 << 20;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AgentRegistry registry;
    private final DesiredStateSource source;
    private final SyncStats stats;
    private final ApiToken token;
    private final LongSupplier clock;

    private HubApi(HttpServer server, ExecutorService executor, AgentRegistry registry, DesiredStateSource source,
                   SyncStats stats, ApiToken token, LongSupplier clock) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.source = source;
        this.stats = stats;
        this.token = token;
        this.clock = clock;
    }

    public static HubApi start(HostPort address, AgentRegistry registry, DesiredStateSource source, SyncStats stats,
                               ApiToken token, LongSupplier clock) throws IOException {
        HttpServer server = HttpServer.create(address.toSocketAddress(), 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "hub-api");
            thread.setDaemon(true);
            return thread;
        });
        HubApi api = new HubApi(server, executor, registry, source, stats, token, clock);
        server.setExecutor(executor);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/metrics")) {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        HubMetrics.render(registry, source, stats, clock.getAsLong()));
                return;
            }
            if (path.equals("/api/agents") && method.equals("GET")) {
                JsonArray agents = new JsonArray();
                registry.agents().stream().sorted().forEach(a -> agents.add(AgentViews.summary(registry, a)));
                json(exchange, 200, Json.object().add("agents", agents));
                return;
            }
            Matcher agent = AGENT.matcher(path);
            if (agent.matches() && method.equals("GET")) {
                if (!registry.agents().contains(agent.group(1))) {
                    json(exchange, 404, error("no agent '" + agent.group(1) + "'"));
                } else {
                    json(exchange, 200, AgentViews.detail(registry, agent.group(1)));
                }
                return;
            }
            if (OctaviaEndpoints.handles(path)) {
                octavia(exchange, path, method);
                return;
            }
            Matcher push = PUSH.matcher(path);
            if (push.matches() && method.equals("PUT")) {
                push(exchange, push.group(1), push.group(2));
                return;
            }
            json(exchange, agent.matches() || push.matches() || path.equals("/api/agents") ? 405 : 404,
                    error("no such endpoint: " + method + " " + path));
        } catch (RuntimeException e) {
            Logger.error(e, "hub API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI());
            json(exchange, 500, error(String.valueOf(e.getMessage())));
        }
    }

    private void octavia(HttpExchange exchange, String path, String method) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        if (path.equals(OctaviaEndpoints.CHANGES) && method.equals("POST")) {
            OctaviaEndpoints.changes(exchange, source);
        } else if (path.equals(OctaviaEndpoints.STATUS) && method.equals("GET")) {
            OctaviaEndpoints.status(exchange, source);
        } else {
            json(exchange, 405, error("no such endpoint: " + method + " " + path));
        }
    }

    /** False after a 401 was sent. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        if (token.matchesBearer(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"edgelb-hub\"");
        json(exchange, 401, error("a valid token is required (Authorization: Bearer TOKEN; see api_token_file)"));
        return false;
    }

    private void push(HttpExchange exchange, String agent, String pool) throws IOException {
        if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
            json(exchange, 403, error("changes are accepted from loopback only"));
            return;
        }
        if (!token.matchesBearer(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"edgelb-hub\"");
            json(exchange, 401, error("a valid token is required (Authorization: Bearer TOKEN; see api_token_file)"));
            return;
        }
        if (!(source instanceof FileSource file)) {
            json(exchange, 409, error("the hub's source is " + source.describe()
                    + ": change members there, not through the hub"));
            return;
        }
        String body = readBody(exchange.getRequestBody());
        String refused = body == null ? "the body is larger than " + MAX_BODY + " bytes"
                : JsonGuard.check(body, MAX_BODY, 16);
        JsonValue parsed = null;
        if (refused == null) {
            try {
                parsed = Json.parse(body);
            } catch (ParseException e) {
                refused = "not JSON: " + e.getMessage();
            }
        }
        if (refused == null && (!parsed.isObject() || parsed.asObject().get("members") == null
                || !parsed.asObject().get("members").isObject())) {
            refused = "expected {\"members\": {\"ID\": {\"address\": ..., \"protocol_port\": ...}}}";
        }
        if (refused != null) {
            json(exchange, 400, error(refused));
            return;
        }
        List<String> problems = file.pushMembers(agent, pool, parsed.asObject().get("members").asObject());
        if (!problems.isEmpty()) {
            JsonArray errors = new JsonArray();
            problems.forEach(errors::add);
            json(exchange, 422, Json.object().add("error", problems.get(0)).add("errors", errors));
            return;
        }
        json(exchange, 200, AgentViews.summary(registry, agent));
    }

    private static String readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : new String(body, StandardCharsets.UTF_8);
    }

    static JsonObject error(String message) {
        return Json.object().add("error", message);
    }

    static void json(HttpExchange exchange, int status, JsonObject body) throws IOException {
        respond(exchange, status, "application/json", body.toString() + "\n");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
    }
}
