package io.edgelb.hub.octavia;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Octavia's v2 list API on loopback, answering the JSON a test sets per collection (no paging
 * links: one page), and counting the load balancer lists, which is one per poll, and the requests
 * per collection.
 */
public final class FakeOctavia implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    public final AtomicInteger polls = new AtomicInteger();
    /** Requests per collection path (e.g. "pools/P/members"). */
    public final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    public FakeOctavia() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v2/lbaas/", this::answer);
        server.start();
        for (String c : new String[] {"loadbalancers", "listeners", "pools", "healthmonitors"}) {
            set(c, "[]");
        }
        set("availabilityzones", "availability_zones", "[]");
        set("availabilityzoneprofiles", "availability_zone_profiles", "[]");
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** collection: e.g. "loadbalancers" or "pools/P/members"; items: a JSON array. */
    public void set(String collection, String items) {
        String plural = collection.contains("/") ? collection.substring(collection.lastIndexOf('/') + 1) : collection;
        set(collection, plural, items);
    }

    public void set(String collection, String plural, String items) {
        bodies.put(collection, "{\"" + plural + "\": " + items + ", \"" + plural + "_links\": []}");
    }

    /** The collection answers 404 from now on (its pool was deleted). */
    public void remove(String collection) {
        bodies.remove(collection);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String collection = exchange.getRequestURI().getPath().substring("/v2/lbaas/".length());
        requests.computeIfAbsent(collection, c -> new AtomicInteger()).incrementAndGet();
        if (collection.equals("loadbalancers")) {
            polls.incrementAndGet();
        }
        String body = bodies.get(collection);
        byte[] bytes = (body == null ? "{\"faultstring\": \"no\"}" : body).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
