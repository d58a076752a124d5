package io.edgelb.tests.hub;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A test's hands on a real Octavia v2 API (started by tests/octavia/octavia-up.sh): create, update
 * and delete load-balancer objects, waiting for the load balancer to be ACTIVE after each change,
 * as Octavia requires. Noauth (project_id in every POST) or a Keystone v3 password token.
 */
final class OctaviaApi {
    static final String SUBNET = "8a49ad6d-a6b5-4e4b-9c12-1d3a1e1e0f01"; // any UUID: the noop network driver takes it
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String token;
    private final String project;

    private OctaviaApi(String url, String token, String project) {
        this.url = url;
        this.token = token;
        this.project = project;
    }

    static OctaviaApi noauth(String url, String project) {
        return new OctaviaApi(url, null, project);
    }

    static OctaviaApi keystone(String url, String authUrl, String user, String password, String projectName)
            throws IOException, InterruptedException {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
                + "\",\"domain\":{\"name\":\"Default\"},\"password\":\"" + password + "\"}}},\"scope\":{\"project\":"
                + "{\"name\":\"" + projectName + "\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(authUrl + "/auth/tokens")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("keystone: " + response.statusCode() + " " + response.body());
        }
        return new OctaviaApi(url, response.headers().firstValue("X-Subject-Token").orElseThrow(), null);
    }

    /** True when the API answers (the test fails, not skips, when it does not: CI must start Octavia). */
    static boolean reachable(String url) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/v2/lbaas/providers")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() < 500;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** POSTs {kind: fields} to /v2/lbaas/PATH; returns the new object's id. */
    String create(String path, String kind, JsonObject fields) throws IOException, InterruptedException {
        if (project != null) {
            fields.add("project_id", project);
        }
        JsonObject created = send("POST", "/v2/lbaas/" + path, Json.object().add(kind, fields), 201);
        return created.get(kind).asObject().getString("id", null);
    }

    /** POSTs {kind: fields} to /v2/lbaas/PATH as an operator (no project_id); returns the new object's id. */
    String createAdmin(String path, String kind, JsonObject fields) throws IOException, InterruptedException {
        return send("POST", "/v2/lbaas/" + path, Json.object().add(kind, fields), 201).get(kind).asObject()
                .getString("id", null);
    }

    /** POSTs {kind: fields} and returns the raw answer: for requests Octavia must refuse. */
    HttpResponse<String> tryCreate(String path, String kind, JsonObject fields) throws IOException, InterruptedException {
        if (project != null) {
            fields.add("project_id", project);
        }
        return http.send(request("POST", "/v2/lbaas/" + path, Json.object().add(kind, fields)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET /v2/lbaas/PATH; null when it is gone (404). */
    JsonObject get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("GET", "/v2/lbaas/" + path, null).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return Json.parse(response.body()).asObject();
    }

    void delete(String path) throws IOException, InterruptedException {
        send("DELETE", "/v2/lbaas/" + path, null, 204);
    }

    void update(String path, String kind, JsonObject fields) throws IOException, InterruptedException {
        send("PUT", "/v2/lbaas/" + path, Json.object().add(kind, fields), 200);
    }

    void deleteLoadBalancer(String id) throws IOException, InterruptedException {
        send("DELETE", "/v2/lbaas/loadbalancers/" + id + "?cascade=true", null, 204);
    }

    /** Waits until the load balancer is ACTIVE again after a change (Octavia refuses changes meanwhile). */
    void awaitActive(String lb) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "?";
        while (System.nanoTime() < deadline) {
            status = send("GET", "/v2/lbaas/loadbalancers/" + lb, null, 200).get("loadbalancer").asObject()
                    .getString("provisioning_status", "?");
            if (status.equals("ACTIVE")) {
                return;
            }
            if (status.equals("ERROR")) {
                break;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // Octavia's worker takes 0.3-3 s
        }
        throw new AssertionError("load balancer " + lb + " is " + status + ", not ACTIVE");
    }

    private JsonObject send(String method, String path, JsonObject body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(method, path, body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body().isBlank() ? new JsonObject() : Json.parse(response.body()).asObject();
    }

    private HttpRequest.Builder request(String method, String path, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            request.header("X-Auth-Token", token);
        }
        return request;
    }
}
