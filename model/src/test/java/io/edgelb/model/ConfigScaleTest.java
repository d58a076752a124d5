package io.edgelb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.json.Decoded;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validator at the ceilings, and the ceilings on the hub's JSON path. */
class ConfigScaleTest {
    private static Listener listener(String id, String address, int port, ListenerMode mode) {
        return new Listener(id, address, port, mode, "web", -1, 50_000, 5_000, 50_000, List.of(), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
    }

    @Test
    void bindConflictsNameTheFirstEarlierListenerAsBefore() {
        Map<String, Listener> listeners = new LinkedHashMap<>();
        listeners.put("a", listener("a", "127.0.0.1", 80, ListenerMode.RELAY));
        listeners.put("b", listener("b", "0.0.0.0", 80, ListenerMode.RELAY));
        listeners.put("c", listener("c", "127.0.0.2", 80, ListenerMode.RELAY));
        listeners.put("d", listener("d", "127.0.0.1", 81, ListenerMode.RELAY));
        List<String> errors = errors(listeners);
        assertEquals(List.of(
                "listener 'b': port 80 on 0.0.0.0 is already used by listener 'a' (127.0.0.1)",
                "listener 'c': port 80 on 127.0.0.2 is already used by listener 'b' (0.0.0.0)"), errors);
    }

    @Test
    void aDuplicateAfterTwentyThousandListenersIsStillFound() {
        // One pass over hash indexes now (bench/check.sh times it); the answer must not change.
        Map<String, Listener> listeners = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            listeners.put("l" + i, listener("l" + i, "127.0." + (i / 250) + "." + (i % 250 + 1), 80, ListenerMode.RELAY));
        }
        listeners.put("dup", listener("dup", "127.0.0.1", 80, ListenerMode.RELAY));
        List<String> errors = errors(listeners);
        assertEquals(List.of("listener 'dup': port 80 on 127.0.0.1 is already used by listener 'l0' (127.0.0.1)"),
                errors);
    }

    @Test
    void theHubJsonObeysTheSameCeilingsAsUci() {
        JsonObject listeners = new JsonObject();
        for (int i = 0; i <= ConfigLimits.MAX_LISTENERS; i++) {
            listeners.add("l" + i, Json.object().add("port", 1000 + i).add("pool", "web"));
        }
        Decoded decoded = ConfigJson.decode(Json.object().add("listeners", listeners), "state");
        assertTrue(decoded.errors().stream().anyMatch(e -> e.contains("has 4097 entries, more than the limit of 4096")),
                decoded.errors().toString());
    }

    private static List<String> errors(Map<String, Listener> listeners) {
        Config config = new Config(AgentSettings.defaults(), HubSettings.disabled(), listeners,
                Map.of("web", Pool.of("web", LbAlgorithm.ROUND_ROBIN)), Map.of(), Map.of(), Map.of());
        List<String> errors = new ArrayList<>();
        for (Problem p : ConfigValidator.validate(config)) {
            if (p.isError()) {
                errors.add(p.describe());
            }
        }
        return errors;
    }
}
