package io.edgelb.hub.octavia;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.model.json.JsonGuard;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Octavia's v2 API: lists with {@code fields=} (only what the mapping needs) and
 * {@code limit}/{@code marker} paging, authenticated by a Keystone token (renewed on expiry or a
 * 401) or not at all (an API run with auth_strategy = noauth).
 */
final class OctaviaClient {
    private static final int PAGE = 500;
    private static final Pattern MARKER = Pattern.compile("[?&]marker=([^&]+)");
    private static final int MAX_RESPONSE_CHARS = 64 * 1024 * 1024;

    private final HubConfig.OctaviaSourceConfig config;
    private final HttpClient http;
    private final KeystoneSession keystone;

    OctaviaClient(HubConfig.OctaviaSourceConfig config, LongSupplier clock) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.keystone = config.auth().type().equals(HubConfig.OctaviaAuth.NONE) ? null
                : new KeystoneSession(config.auth(), config.region(), http, clock);
    }

    /** Octavia answered 404: the object (a pool whose members were asked for) is gone. */
    static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }

    String describe() {
        return "octavia " + (config.url() != null ? config.url() : "(from the Keystone catalog)")
                + (keystone == null ? " (noauth)" : " (keystone " + config.auth().type() + ")");
    }

    /** Every object of a collection ({@code loadbalancers}, {@code pools/ID/members}), all pages. */
    List<JsonObject> list(String collection, String plural, String... fields) throws IOException, InterruptedException {
        List<JsonObject> all = new ArrayList<>();
        String marker = null;
        for (int page = 0; page < 10_000; page++) {
            StringBuilder query = new StringBuilder("?limit=").append(PAGE);
            for (String field : fields) {
                query.append("&fields=").append(field);
            }
            if (marker != null) {
                query.append("&marker=").append(URLEncoder.encode(marker, StandardCharsets.UTF_8));
            }
            JsonObject body = get("/v2/lbaas/" + collection + query);
            JsonValue items = body.get(plural);
            if (items == null || !items.isArray()) {
                throw new IOException("Octavia's " + collection + " list has no '" + plural + "' array");
            }
            JsonArray array = items.asArray();
            for (JsonValue item : array) {
                if (item.isObject()) {
                    all.add(item.asObject());
                }
            }
            marker = nextMarker(body.get(plural + "_links"));
            if (marker == null || array.isEmpty()) {
                return all;
            }
        }
        throw new IOException("Octavia's " + collection + " list did not end after 10000 pages");
    }

    /** The marker of the rel=next link; we rebuild the URL on our own base rather than follow Octavia's host. */
    private static String nextMarker(JsonValue links) {
        if (links == null || !links.isArray()) {
            return null;
        }
        for (JsonValue link : links.asArray()) {
            if (link.isObject() && "next".equals(link.asObject().getString("rel", ""))) {
                Matcher m = MARKER.matcher(link.asObject().getString("href", ""));
                if (m.find()) {
                    return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    private JsonObject get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = send(pathAndQuery);
        if (response.statusCode() == 401 && keystone != null) {
            keystone.invalidate(); // revoked or expired early: one fresh token, one retry
            response = send(pathAndQuery);
        }
        if (response.statusCode() == 404) {
            throw new NotFound("GET " + pathAndQuery + ": HTTP 404 " + abbreviate(response.body()));
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + ": HTTP " + response.statusCode() + " "
                    + abbreviate(response.body()));
        }
        String refused = JsonGuard.check(response.body(), MAX_RESPONSE_CHARS, 32);
        if (refused != null) {
            throw new IOException("GET " + pathAndQuery + ": " + refused);
        }
        try {
            JsonValue value = Json.parse(response.body());
            if (!value.isObject()) {
                throw new IOException("GET " + pathAndQuery + ": not a JSON object");
            }
            return value.asObject();
        } catch (com.eclipsesource.json.ParseException e) {
            throw new IOException("GET " + pathAndQuery + ": not JSON: " + e.getMessage());
        }
    }

    private HttpResponse<String> send(String pathAndQuery) throws IOException, InterruptedException {
        String base = config.url();
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET();
        if (keystone != null) {
            request.header("X-Auth-Token", keystone.token());
            if (base == null) {
                base = keystone.catalogUrl();
                if (base == null) {
                    throw new IOException("the Keystone catalog has no public load-balancer endpoint; set source.url");
                }
            }
        }
        return http.send(request.uri(URI.create(base + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String abbreviate(String body) {
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
