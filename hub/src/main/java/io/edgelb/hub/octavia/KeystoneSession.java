package io.edgelb.hub.octavia;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.config.HubConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * A Keystone v3 token for Octavia: password or application-credential authentication, kept until
 * five minutes before it expires (or until Octavia answers 401), and the load-balancer endpoint
 * from the token's catalog.
 */
final class KeystoneSession {
    private static final long REFRESH_MARGIN_MS = 5 * 60_000;

    private final HubConfig.OctaviaAuth auth;
    private final String region;
    private final HttpClient http;
    private final LongSupplier clock;
    private String token;
    private long expiresAt;
    private String catalogUrl;

    KeystoneSession(HubConfig.OctaviaAuth auth, String region, HttpClient http, LongSupplier clock) {
        this.auth = auth;
        this.region = region;
        this.http = http;
        this.clock = clock;
    }

    /** A valid token, fetching a new one when none is held or it is about to expire. */
    synchronized String token() throws IOException, InterruptedException {
        if (token == null || clock.getAsLong() >= expiresAt - REFRESH_MARGIN_MS) {
            authenticate();
        }
        return token;
    }

    /** Forgets the token (Octavia said 401): the next call authenticates again. */
    synchronized void invalidate() {
        token = null;
    }

    /** The public load-balancer endpoint from the catalog, or null when it lists none. */
    synchronized String catalogUrl() throws IOException, InterruptedException {
        token();
        return catalogUrl;
    }

    private void authenticate() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(auth.authUrl() + "/auth/tokens"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body().toString()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("Keystone " + auth.authUrl() + " refused " + auth.type() + " authentication: HTTP "
                    + response.statusCode() + " " + OctaviaClient.abbreviate(response.body()));
        }
        String subject = response.headers().firstValue("X-Subject-Token").orElse(null);
        if (subject == null) {
            throw new IOException("Keystone answered without X-Subject-Token");
        }
        JsonObject body = Json.parse(response.body()).asObject().get("token").asObject();
        long expires;
        try {
            expires = Instant.parse(body.getString("expires_at", "")).toEpochMilli();
        } catch (DateTimeParseException e) {
            expires = clock.getAsLong() + 3_600_000;
        }
        token = subject;
        expiresAt = expires;
        catalogUrl = loadBalancerEndpoint(body.get("catalog"));
        Logger.info("octavia: Keystone token obtained ({}), valid until {}", auth.type(), Instant.ofEpochMilli(expires));
    }

    private JsonObject body() {
        JsonObject identity;
        if (auth.type().equals(HubConfig.OctaviaAuth.APPLICATION_CREDENTIAL)) {
            identity = Json.object().add("methods", Json.array("application_credential"))
                    .add("application_credential", Json.object().add("id", auth.credentialId())
                            .add("secret", auth.credentialSecret()));
            return Json.object().add("auth", Json.object().add("identity", identity));
        }
        identity = Json.object().add("methods", Json.array("password"))
                .add("password", Json.object().add("user", Json.object().add("name", auth.username())
                        .add("domain", Json.object().add("name", auth.userDomain()))
                        .add("password", auth.password())));
        JsonObject scope = Json.object().add("project", Json.object().add("name", auth.projectName())
                .add("domain", Json.object().add("name", auth.projectDomain())));
        return Json.object().add("auth", Json.object().add("identity", identity).add("scope", scope));
    }

    private String loadBalancerEndpoint(JsonValue catalog) {
        if (catalog == null || !catalog.isArray()) {
            return null;
        }
        for (JsonValue service : catalog.asArray()) {
            if (!"load-balancer".equals(service.asObject().getString("type", ""))) {
                continue;
            }
            for (JsonValue endpoint : service.asObject().get("endpoints").asArray()) {
                JsonObject e = endpoint.asObject();
                if ("public".equals(e.getString("interface", ""))
                        && (region == null || region.equals(e.getString("region", "")))) {
                    return e.getString("url", "").replaceAll("/+$", "");
                }
            }
        }
        return null;
    }
}
