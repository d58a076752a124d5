package io.edgelb.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HubConfigLoaderTest {
    private static final String KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

    @Test
    void readsAFileSourceConfigWithDefaults() throws Exception {
        HubConfig config = HubConfigLoader.parse("hub.json", "{\"agents\": {\"r1\": \"" + KEY + "\"},"
                + " \"source\": {\"type\": \"file\", \"path\": \"/etc/edgelb-hub/pools.json\"}}");
        assertEquals(HubConfig.DEFAULT_BIND, config.bind());
        assertEquals(1000, config.heartbeatMs());
        assertEquals(KEY, config.agents().get("r1"));
        assertEquals(new HubConfig.FileSourceConfig("/etc/edgelb-hub/pools.json", 1000), config.source());
    }

    @Test
    void readsOctaviaWithAnApplicationCredential() throws Exception {
        HubConfig config = HubConfigLoader.parse("hub.json", "{\"source\": {\"type\": \"octavia\", \"interval\": 5,"
                + " \"auth\": {\"type\": \"application_credential\", \"auth_url\": \"https://keystone:5000/v3/\","
                + " \"application_credential_id\": \"abc\", \"application_credential_secret\": \"s3cret\"}}}");
        HubConfig.OctaviaSourceConfig octavia = (HubConfig.OctaviaSourceConfig) config.source();
        assertEquals(null, octavia.url(), "taken from the catalog");
        assertEquals("https://keystone:5000/v3", octavia.auth().authUrl());
        assertEquals(5000, octavia.intervalMs());
        assertEquals("edgelb:", octavia.tagPrefix());
        assertEquals("edgelb", octavia.provider(), "the default provider");
        assertEquals(false, octavia.auth().toString().contains("s3cret"), "secrets stay out of logs");
    }

    @Test
    void listsEveryProblem() {
        var e = assertThrows(HubConfigLoader.InvalidConfigException.class, () -> HubConfigLoader.parse("hub.json",
                "{\"bind\": \"udp://x\", \"agents\": {\"bad id\": \"" + KEY + "\", \"r2\": \"short\"},"
                        + " \"colour\": 1, \"source\": {\"type\": \"octavia\", \"auth\": {\"type\": \"password\"}}}"));
        assertEquals(String.join("\n",
                "hub.json: colour: unknown field",
                "hub.json: bind: 'udp://x' is not tcp://ADDRESS:PORT (the publisher takes PORT+1)",
                "hub.json: agents.bad id: an agent id may only hold letters, digits, '_', '.' and '-' (1-64)",
                "hub.json: agents.r2: is not a 40-character Z85 CURVE public key (edgelb-agent keygen prints it)",
                "hub.json: source.auth.auth_url: is required",
                "hub.json: source.auth.username: is required",
                "hub.json: source.auth.password: is required",
                "hub.json: source.auth.project_name: is required"), e.getMessage());
    }

    @Test
    void checksTheProviderName() {
        var e = assertThrows(HubConfigLoader.InvalidConfigException.class, () -> HubConfigLoader.parse("hub.json",
                "{\"source\": {\"type\": \"octavia\", \"url\": \"http://127.0.0.1:9876\", \"provider\": \"a b\"}}"));
        assertEquals("hub.json: source.provider: 'a b' is not an Octavia provider name ([A-Za-z0-9_.-]{1,64})",
                e.getMessage());
    }
}
