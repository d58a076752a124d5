package io.edgelb.agent.cli;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Talks to a running agent's local API for the CLI. Uses HttpURLConnection (java.base) so the
 * router's trimmed runtime needs no java.net.http module.
 */
final class ApiClient {
    private static final int TIMEOUT_MS = 10_000;

    private final String base;
    private final String token;

    ApiClient(String hostPort, String token) {
        this.base = "http://" + hostPort;
        this.token = token;
    }

    /** A response: HTTP status and body (a JSON object for /api/*). */
    record Response(int status, String body) {
        JsonObject json() {
            try {
                return Json.parse(body).asObject();
            } catch (ParseException | UnsupportedOperationException e) {
                return Json.object().add("error", "the agent answered something that is not JSON: " + body);
            }
        }
    }

    Response get(String path) throws IOException {
        return call("GET", path);
    }

    Response post(String path) throws IOException {
        return call("POST", path);
    }

    private Response call(String method, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(TIMEOUT_MS);
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        if ("POST".equals(method)) {
            connection.setDoOutput(true);
            connection.getOutputStream().close();
        }
        try {
            int status = connection.getResponseCode();
            InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, body);
        } finally {
            connection.disconnect();
        }
    }

    String base() {
        return base;
    }
}
