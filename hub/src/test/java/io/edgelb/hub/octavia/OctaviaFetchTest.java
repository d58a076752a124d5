package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.testkit.Await;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poll reads the members of a provider-owned pool only when the pool changed, those of other
 * providers' pools every time; a pool gone mid-poll does not fail it.
 */
class OctaviaFetchTest {
    static final String LB = "aaaaaaaa-0000-0000-0000-00000000000a";
    static final String POOL = "cccccccc-0000-0000-0000-00000000000a";
    static final String MEMBERS = "pools/" + POOL + "/members";
    private FakeOctavia octavia;
    private OctaviaSource source;
    private AgentRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        octavia = new FakeOctavia();
        registry = new AgentRegistry(Map.of("r1", "k1"), System::currentTimeMillis, 15_000);
        octavia.set("loadbalancers", "[{\"id\": \"" + LB + "\", \"provisioning_status\": \"ACTIVE\","
                + " \"vip_address\": \"127.0.0.5\", \"provider\": \"edgelb\", \"tags\": [\"edgelb:r1\"]}]");
        pool("2026-12-07T10:00:00");
        octavia.set(MEMBERS, "[{\"id\": \"m1\", \"provisioning_status\": \"ACTIVE\", \"address\": \"127.0.0.9\","
                + " \"protocol_port\": 9000}]");
        source = new OctaviaSource(new HubConfig.OctaviaSourceConfig(octavia.url(), new HubConfig.OctaviaAuth("none",
                null, null, null, null, null, null, null, null), 3_600_000, "edgelb:", "vip", null, "edgelb"),
                System::currentTimeMillis);
        source.start(registry);
        Await.until(() -> source.lastSuccessAgeMs(System.currentTimeMillis()) >= 0, "the first poll");
    }

    @AfterEach
    void tearDown() {
        source.close();
        octavia.close();
    }

    void pool(String updatedAt) {
        octavia.set("pools", "[{\"id\": \"" + POOL + "\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"TCP\","
                + " \"lb_algorithm\": \"ROUND_ROBIN\", \"updated_at\": \"" + updatedAt + "\","
                + " \"loadbalancers\": [{\"id\": \"" + LB + "\"}]}]");
    }

    void repoll() {
        long before = octavia.polls.get();
        source.changed();
        Await.until(() -> octavia.polls.get() > before && source.lastSuccessAgeMs(System.currentTimeMillis()) < 250,
                "a change poll");
    }

    int memberReads() {
        return octavia.requests.getOrDefault(MEMBERS, new AtomicInteger()).get();
    }

    @Test
    void anUnchangedPoolsMembersAreNotReadAgainAChangedOnesAre() {
        assertEquals(1, memberReads());
        assertTrue(registry.desired("r1").config().members().containsKey("m1"));
        repoll();
        assertEquals(1, memberReads(), "the pool did not change");
        assertTrue(registry.desired("r1").config().members().containsKey("m1"), "the cached members are used");

        octavia.set(MEMBERS, "[{\"id\": \"m2\", \"provisioning_status\": \"ACTIVE\", \"address\": \"127.0.0.9\","
                + " \"protocol_port\": 9001}]");
        pool("2026-12-07T10:00:05"); // Octavia bumps the pool's updated_at with every member change
        repoll();
        assertEquals(2, memberReads());
        assertTrue(registry.desired("r1").config().members().containsKey("m2"));
    }

    @Test
    void anotherProvidersPoolsMembersAreReadEveryPoll() {
        octavia.set("loadbalancers", "[{\"id\": \"" + LB + "\", \"provisioning_status\": \"ACTIVE\","
                + " \"vip_address\": \"127.0.0.5\", \"provider\": \"amphora\", \"tags\": [\"edgelb:r1\"]}]");
        repoll();
        int before = memberReads();
        repoll();
        assertEquals(before + 1, memberReads());
    }

    @Test
    void aPoolDeletedBetweenItsListingAndItsMembersDoesNotFailThePoll() {
        long failures = source.failures();
        octavia.remove(MEMBERS);
        pool("2026-12-07T10:00:09");
        repoll();
        assertEquals(failures, source.failures(), "one gone pool failed the whole poll");
        assertTrue(registry.desired("r1").config().pools().isEmpty(), "the gone pool is left out");
    }
}
