package io.edgelb.tests.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status page's throughput and graph arithmetic (edgelb/traffic.js), run by node. */
class TrafficModuleTest {
    private static JsonObject results;

    @BeforeAll
    static void runScenarios() throws Exception {
        results = Json.parse(Node.run(Node.script("traffic-scenarios.js"),
                LuciApp.resources().resolve("edgelb/traffic.js").toString())).asObject();
    }

    private static JsonObject result(String name) {
        return results.get(name).asObject();
    }

    @Test
    void theRateIsTheCounterDeltaOverTheTimeBetweenPolls() {
        assertEquals(Json.NULL, result("first").get("rateIn"), "one poll gives no rate yet");
        assertEquals(1000.0, result("second").getDouble("rateIn", -1), 1e-9);
        assertEquals(2000.0, result("second").getDouble("rateOut", -1), 1e-9);
    }

    @Test
    void aRepeatedPollAddsNothing() {
        assertEquals(result("second"), result("samePoll"));
        assertEquals(2, results.getInt("lengthAfterSamePoll", -1));
    }

    @Test
    void countersThatGoBackwardsStartAFreshHistory() {
        assertEquals(Json.NULL, result("restarted").get("rateIn"), "no negative rate after an agent restart");
        assertEquals(1, results.getInt("lengthAfterRestart", -1));
        assertEquals(1000.0, result("afterRestart").getDouble("rateIn", -1), 1e-9);
        assertEquals(0.0, result("afterRestart").getDouble("rateOut", -1), 1e-9);
    }

    @Test
    void theHistoryIsBounded() {
        JsonObject bounded = result("bounded");
        assertEquals(bounded.getInt("max", -1), bounded.getInt("length", -2));
        assertEquals(2_500_000, bounded.getLong("newestAt", 0), "the newest samples are kept");
    }

    @Test
    void theGraphPutsTheNewestSampleRightAndThePeakAtTheTop() {
        JsonObject graph = result("graph");
        assertEquals(2000.0, graph.getDouble("peak", -1), 1e-9);
        assertEquals("40.0,15.0 80.0,0.0 120.0,30.0", graph.getString("in", ""));
        assertEquals("40.0,30.0 80.0,30.0 120.0,15.0", graph.getString("out", ""));
    }

    @Test
    void samplesOlderThanTheSpanAreLeftOut() {
        JsonObject graph = result("graphOld");
        assertEquals("120.0,30.0", graph.getString("in", ""));
        assertEquals(1000.0, graph.getDouble("peak", -1), 1e-9, "the peak of what is shown");
    }

    @Test
    void anIdleListenerDrawsAFlatLineAtTheBottom() {
        JsonObject graph = result("idle");
        assertEquals(0.0, graph.getDouble("peak", -1), 1e-9);
        for (JsonValue points : new JsonValue[] {graph.get("in"), graph.get("out")}) {
            assertTrue(points.asString().endsWith(",30.0"), points.toString());
        }
    }

    @Test
    void theAgentsHistorySeedsAnEmptyHistoryBoundedAndInOrder() {
        JsonObject seeded = result("seeded");
        assertEquals(120, seeded.getInt("length", -1), "at most maxSamples, the newest");
        assertEquals(2_000_000 - 119 * 10_000, seeded.getLong("firstAt", 0));
        assertEquals(2_000_000, seeded.getLong("lastAt", 0), "age 0 is now");
        assertEquals(100.0, seeded.getDouble("lastRateIn", -1), 1e-9, "1000 bytes in 10 s");
        assertEquals(120, results.getInt("seededTwice", -1), "a history that has samples is not seeded again");
        assertEquals(0, results.getInt("seededFromNothing", -1));
    }
}
