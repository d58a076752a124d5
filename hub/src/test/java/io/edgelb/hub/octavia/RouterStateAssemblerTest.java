package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HubSettings;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One load balancer's bad part spoils neither the others on the router nor its own last good version. */
class RouterStateAssemblerTest {
    private final RouterStateAssembler assembler = new RouterStateAssembler();

    /** A load balancer's part: one listener on 192.0.2.10:port with one pool and member. */
    static Config part(String lb, int port) {
        String pool = lb + "-pool";
        return new Config(AgentSettings.defaults(), HubSettings.disabled(),
                Map.of(lb + "-l", Listener.of(lb + "-l", "192.0.2.10", port, pool)),
                Map.of(pool, Pool.of(pool, LbAlgorithm.ROUND_ROBIN)),
                Map.of(lb + "-m", Member.of(lb + "-m", pool, "198.51.100.7", 80)), Map.of(), Map.of());
    }

    static Map<String, Config> parts(Object... lbAndPart) {
        Map<String, Config> parts = new LinkedHashMap<>();
        for (int i = 0; i < lbAndPart.length; i += 2) {
            parts.put((String) lbAndPart[i], (Config) lbAndPart[i + 1]);
        }
        return parts;
    }

    @Test
    void aNewLoadBalancerOnATakenPortIsLeftOutAndTheOthersStillGoThrough() {
        assertEquals(Map.of(), assembler.assemble("r1", parts("a", part("a", 80))).refused());
        RouterStateAssembler.Result clash = assembler.assemble("r1", parts("a", part("a", 80), "b", part("b", 80)));
        assertTrue(clash.state().listeners().containsKey("a-l"));
        assertTrue(!clash.state().listeners().containsKey("b-l"), "the newcomer is not sent");
        String why = clash.refused().get("b");
        assertTrue(why != null && why.contains("already used by listener 'a-l'") && why.endsWith("(left out)"), why);
        assertEquals(1, clash.refused().size(), "a keeps its port: " + clash.refused());

        RouterStateAssembler.Result later = assembler.assemble("r1",
                parts("a", part("a", 80), "b", part("b", 80), "c", part("c", 81)));
        assertTrue(later.state().listeners().containsKey("c-l"), "later load balancers still reach the router");
        assertEquals(Map.of("b", clash.refused().get("b")), later.refused());
    }

    @Test
    void aChangeThatClashesIsRefusedAndTheLastGoodVersionStays() {
        assembler.assemble("r1", parts("a", part("a", 80), "b", part("b", 81)));
        // a, listed first, moves to b's port: the change is refused, not b that had the port.
        RouterStateAssembler.Result moved = assembler.assemble("r1", parts("a", part("a", 81), "b", part("b", 81)));
        assertEquals(80, moved.state().listeners().get("a-l").port(), "a's last good version stays");
        assertEquals(81, moved.state().listeners().get("b-l").port());
        assertTrue(moved.refused().get("a").endsWith("(its last good version stays)"), moved.refused().toString());
        assertEquals(1, moved.refused().size());

        RouterStateAssembler.Result fixed = assembler.assemble("r1", parts("a", part("a", 82), "b", part("b", 81)));
        assertEquals(Map.of(), fixed.refused());
        assertEquals(82, fixed.state().listeners().get("a-l").port());
    }

    @Test
    void aPartInvalidOnItsOwnIsRefusedAlone() {
        Config hostile = new Config(AgentSettings.defaults(), HubSettings.disabled(),
                Map.of("x-l", Listener.of("x-l", "192.0.2.10", 70000, null)), Map.of(), Map.of(), Map.of(), Map.of());
        RouterStateAssembler.Result result = assembler.assemble("r1", parts("a", part("a", 80), "x", hostile));
        assertEquals(1, result.refused().size(), result.refused().toString());
        assertTrue(result.refused().get("x").startsWith("listeners.x-l."), result.refused().toString());
        assertTrue(result.state().listeners().containsKey("a-l"));
    }
}
