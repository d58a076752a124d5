package io.edgelb.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HubSettings;
import io.edgelb.model.L7Action;
import io.edgelb.model.L7CompareType;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.L7RuleType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hub L7 policies are renamed with the objects they refer to; local ones survive the merge. */
class HubL7Test {
    private static Config withL7(String policy, String listener, String pool, String rule) {
        return new Config(AgentSettings.defaults(), HubSettings.disabled(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of()).withL7(
                Map.of(policy, new L7Policy(policy, listener, L7Action.REDIRECT_TO_POOL, 1, pool, null, null, 302, true)),
                Map.of(rule, new L7Rule(rule, policy, L7RuleType.PATH, L7CompareType.EQUAL_TO, null, "/", false, true)));
    }

    @Test
    void namespacesReferencesAndComposesWithLocalPolicies() {
        Config hub = HubObjects.namespaced(withL7("p", "l", "api", "r"));
        assertEquals(new L7Policy("hub-p", "hub-l", L7Action.REDIRECT_TO_POOL, 1, "hub-api", null, null, 302, true),
                hub.l7policies().get("hub-p"));
        assertEquals("hub-p", hub.l7rules().get("hub-r").policyId());
        Config all = HubObjects.compose(withL7("local", "web", "web", "lr"), hub);
        assertEquals(List.of("local", "hub-p"), List.copyOf(all.l7policies().keySet()));
        assertEquals(List.of("lr", "hub-r"), List.copyOf(all.l7rules().keySet()));
    }
}
