package io.edgelb.hub.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import io.edgelb.model.Config;
import io.edgelb.model.json.ConfigJson;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {
    private static final String KEY = "0".repeat(40);
    private final AtomicLong now = new AtomicLong(1_000);
    private final AgentRegistry registry = new AgentRegistry(Map.of("r1", KEY, "r2", KEY.replace('0', '1')),
            now::get, 15_000);

    private static Config state(int port) {
        return ConfigJson.decode("{\"pools\": {\"web\": {}}, \"members\": {\"m\": {\"pool\": \"web\", "
                + "\"address\": \"192.0.2.1\", \"protocol_port\": " + port + "}}}", "").config();
    }

    @Test
    void silentUntilTheSourceWasReadThenRevisionsOnlyForRealChanges() {
        AtomicInteger wakeUps = new AtomicInteger();
        registry.onChange(wakeUps::incrementAndGet);
        assertNull(registry.desired("r1"), "nothing is served before the source was read");
        registry.replaceAll(Map.of("r1", state(80)));
        assertTrue(registry.isReady());
        long first = registry.desired("r1").revision();
        assertTrue(first == 1_000 || first == 1_001, "revisions come from the clock: " + first);
        assertTrue(registry.desired("r2").config().members().isEmpty(), "an agent the source does not name: empty");
        assertEquals(java.util.Set.of("r1", "r2"), java.util.Set.copyOf(registry.takeChanged()));

        registry.replaceAll(Map.of("r1", state(80)));
        assertEquals(first, registry.desired("r1").revision(), "same state, same revision");
        assertEquals(List.of(), registry.takeChanged());

        registry.replaceAll(Map.of("r1", state(81)));
        long second = registry.desired("r1").revision();
        assertTrue(second > first && second <= 1_002, "strictly increasing even within one ms: " + second);
        now.set(50_000);
        registry.replaceAll(Map.of("r1", state(82)));
        assertEquals(50_000, registry.desired("r1").revision());
        assertEquals(3, wakeUps.get(), "woken for the first read and each change, not for a repeat");
        assertFalse(registry.replace("intruder", state(80)), "only allow-listed agents get state");
    }

    @Test
    void onlineWhileReportsKeepComing() {
        assertFalse(registry.isOnline("r1"));
        registry.report("r1", Json.object().add("applied_revision", 7));
        assertTrue(registry.isOnline("r1"));
        assertEquals(7, registry.reported("r1").status().getLong("applied_revision", 0));
        now.addAndGet(15_001);
        assertFalse(registry.isOnline("r1"));
    }
}
