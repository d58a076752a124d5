package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads one poll's objects from Octavia: the four collections at once, then the zones if a
 * provider-owned load balancer needs them, then the members of the pools that changed
 * ({@link MemberCache}), {@link #PARALLEL} requests at a time. A poll used to send every request
 * in turn and its cost grew with the number of pools (5 s for 28 pools while Octavia was busy with
 * creates), which is what a create waited for; members of provider-owned pools are reused. A pool deleted between the pool list and its member
 * list is left out of this poll instead of failing it. Runs on the poll thread; the requests on
 * the given executor.
 */
final class OctaviaFetch {
    static final int PARALLEL = 4;

    private final OctaviaClient client;
    private final ExecutorService requests;
    private final MemberCache members;
    private final OctaviaMapper probe;

    OctaviaFetch(OctaviaClient client, ExecutorService requests, MemberCache members, OctaviaMapper probe) {
        this.client = client;
        this.requests = requests;
        this.members = members;
        this.probe = probe;
    }

    /** The objects, and the zones (null when no provider-owned load balancer names one). */
    record Result(OctaviaObjects objects, ZoneAgents zones) {
    }

    Result fetch(String provider) throws IOException, InterruptedException {
        List<List<JsonObject>> lists = all(List.of(
                () -> client.list("loadbalancers", "loadbalancers", OctaviaObjects.LB_FIELDS),
                () -> client.list("listeners", "listeners", OctaviaObjects.LISTENER_FIELDS),
                () -> client.list("pools", "pools", OctaviaObjects.POOL_FIELDS),
                () -> client.list("healthmonitors", "healthmonitors", OctaviaObjects.MONITOR_FIELDS)));
        List<JsonObject> lbs = lists.get(0);
        List<JsonObject> pools = new ArrayList<>(lists.get(2));
        Set<String> served = new HashSet<>();
        Set<String> owned = new HashSet<>();
        boolean zoned = false;
        for (JsonObject lb : lbs) {
            if (probe.owns(lb)) {
                owned.add(lb.getString("id", ""));
            }
            if (!probe.agentsOf(lb).isEmpty() || probe.owns(lb)) {
                served.add(lb.getString("id", ""));
                zoned |= probe.owns(lb) && lb.get("availability_zone") != null && lb.get("availability_zone").isString();
            }
        }
        List<JsonObject> wanted = pools.stream().filter(p -> servesAny(p, served)).toList();
        Map<String, List<JsonObject>> byPool = new HashMap<>();
        List<JsonObject> toRead = new ArrayList<>();
        for (JsonObject pool : wanted) {
            // Only an owned pool's members are reused: its PENDING_UPDATE ends only when the hub
            // reports it, after a poll read them. Another provider may finish a member change
            // within the second, and updated_at (MySQL DATETIME) would not show it.
            List<JsonObject> cached = servesAny(pool, owned) ? members.reusable(pool) : null;
            if (cached != null) {
                byPool.put(pool.getString("id", ""), cached);
            } else {
                toRead.add(pool);
            }
        }
        List<Callable<List<JsonObject>>> reads = new ArrayList<>();
        for (JsonObject pool : toRead) {
            reads.add(() -> {
                try {
                    return client.list("pools/" + pool.getString("id", "") + "/members", "members",
                            OctaviaObjects.MEMBER_FIELDS);
                } catch (OctaviaClient.NotFound gone) {
                    return null;
                }
            });
        }
        ZoneAgents zones = zoned ? zones(provider) : null;
        List<List<JsonObject>> read = all(reads);
        for (int i = 0; i < toRead.size(); i++) {
            JsonObject pool = toRead.get(i);
            if (read.get(i) == null) {
                pools.remove(pool); // deleted since the pool list: gone next poll anyway
                continue;
            }
            byPool.put(pool.getString("id", ""), read.get(i));
            members.put(pool, read.get(i));
        }
        members.retain(byPool.keySet());
        return new Result(new OctaviaObjects(lbs, lists.get(1), pools, byPool, lists.get(3)), zones);
    }

    private ZoneAgents zones(String provider) throws IOException, InterruptedException {
        List<List<JsonObject>> z = all(List.of(
                () -> client.list("availabilityzones", "availability_zones", "name", "availability_zone_profile_id"),
                () -> client.list("availabilityzoneprofiles", "availability_zone_profiles", "id", "provider_name",
                        "availability_zone_data")));
        return new ZoneAgents(z.get(0), z.get(1), provider);
    }

    private static boolean servesAny(JsonObject pool, Set<String> served) {
        JsonValue lbs = pool.get("loadbalancers");
        return lbs != null && lbs.isArray() && lbs.asArray().values().stream()
                .anyMatch(lb -> lb.isObject() && served.contains(lb.asObject().getString("id", "")));
    }

    /** Runs the reads PARALLEL at a time (the executor's size) and returns their answers in order. */
    private <T> List<T> all(List<Callable<T>> reads) throws IOException, InterruptedException {
        List<Future<T>> futures = requests.invokeAll(reads);
        List<T> answers = new ArrayList<>(futures.size());
        try {
            for (Future<T> future : futures) {
                answers.add(future.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
        return answers;
    }
}
