package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.hub.sync.StatusReportCheck;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregation table, statistics carry-over, zone profile checks and the report's request_errors. */
class StatusPartsTest {
    @Test
    void aggregatesTheWayOctaviaDoes() {
        assertEquals("OFFLINE", OperatingStatus.member(false, List.of("ONLINE")));
        assertEquals("ERROR", OperatingStatus.member(true, List.of("ONLINE", "ERROR", "DRAINING")), "the worst router");
        assertEquals("DRAINING", OperatingStatus.member(true, List.of("ONLINE", "DRAINING")));
        assertEquals("NO_MONITOR", OperatingStatus.member(true, List.of("NO_MONITOR")));
        assertEquals(null, OperatingStatus.member(true, List.of()), "no evidence yet");
        assertEquals("ONLINE", OperatingStatus.pool(true, List.of("ONLINE", "NO_MONITOR")));
        assertEquals("DEGRADED", OperatingStatus.pool(true, List.of("ONLINE", "ERROR")));
        assertEquals("ERROR", OperatingStatus.pool(true, List.of("ERROR", "ERROR")));
        assertEquals("OFFLINE", OperatingStatus.pool(false, List.of("ERROR")));
        assertEquals("DEGRADED", OperatingStatus.listener(true, "DEGRADED"));
        assertEquals("ONLINE", OperatingStatus.listener(true, null), "no pool");
        assertEquals("OFFLINE", OperatingStatus.listener(false, "ONLINE"));
        assertEquals("DEGRADED", OperatingStatus.loadBalancer(true, false, List.of("ONLINE", "ERROR")));
        assertEquals("ONLINE", OperatingStatus.loadBalancer(true, false, List.of("ONLINE")));
        assertEquals("ERROR", OperatingStatus.loadBalancer(true, true, List.of("ONLINE")), "every router offline");
        assertEquals("OFFLINE", OperatingStatus.loadBalancer(false, true, List.of()));
        assertEquals("OFFLINE", OperatingStatus.healthMonitor(false));
    }

    private static JsonObject counters(long bytesIn, long total, long active) {
        return Json.object().add("bytes_in", bytesIn).add("bytes_out", 0).add("total_connections", total)
                .add("request_errors", 0).add("active_connections", active);
    }

    @Test
    void statisticsSumRoutersAndCarryOnWhenARouterRestarts() {
        ListenerStatistics stats = new ListenerStatistics();
        JsonObject t = stats.total("L", Map.of("r1", counters(100, 3, 1), "r2", counters(50, 2, 2)));
        assertEquals(150, t.getLong("bytes_in", 0));
        assertEquals(3, t.getLong("active_connections", 0));
        t = stats.total("L", Map.of("r1", counters(10, 1, 0), "r2", counters(60, 2, 0)));
        assertEquals(170, t.getLong("bytes_in", 0), "r1 restarted: 100 carried + 10, r2 60");
        assertEquals(6, t.getLong("total_connections", 0));
        t = stats.total("L", Map.of("r2", counters(60, 2, 0)));
        assertEquals(170, t.getLong("bytes_in", 0), "a router without a report keeps its part");
    }

    @Test
    void zoneProfilesAreCheckedAsHostileInput() {
        assertEquals(List.of("r1", "r2"), ZoneAgents.parse("z", Json.parse(
                "{\"id\": \"p\", \"provider_name\": \"edgelb\", \"availability_zone_data\": \"{\\\"agents\\\": [\\\"r1\\\", \\\"r2\\\"]}\"}")
                .asObject(), "edgelb").agents());
        assertEquals("availability zone 'z' (profile p): agents[0]: \"../x\" is not an agent id ([A-Za-z0-9_.-]{1,64})",
                ZoneAgents.parse("z", Json.parse("{\"id\": \"p\", \"provider_name\": \"edgelb\","
                        + " \"availability_zone_data\": \"{\\\"agents\\\": [\\\"../x\\\"]}\"}").asObject(), "edgelb").error());
        assertEquals("availability zone 'z' (profile p): provider_name is 'amphora', not 'edgelb'",
                ZoneAgents.parse("z", Json.parse("{\"id\": \"p\", \"provider_name\": \"amphora\","
                        + " \"availability_zone_data\": \"{}\"}").asObject(), "edgelb").error());
        assertEquals("availability zone 'nowhere' does not exist",
                new ZoneAgents(List.of(), List.of(), "edgelb").zone("nowhere").error());
    }

    @Test
    void reportsMayCarryRequestErrorsAndOldOnesNeedNot() {
        String base = "{\"agent_id\": \"r1\", \"applied_revision\": 1, \"listeners\": [{\"id\": \"L\", \"bytes_in\": 1%s}]}";
        StatusReportCheck.Result with = StatusReportCheck.check(Json.parse(String.format(base, ", \"request_errors\": 7"))
                .asObject());
        assertEquals(7, with.report().get("listeners").asArray().get(0).asObject().getLong("request_errors", -1));
        assertEquals(null, StatusReportCheck.check(Json.parse(String.format(base, "")).asObject()).refused());
        assertEquals("listeners[0].request_errors: -1 is not a non-negative integer below 10^18",
                StatusReportCheck.check(Json.parse(String.format(base, ", \"request_errors\": -1")).asObject()).refused());
    }
}
