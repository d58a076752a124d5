package io.edgelb.hub.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import io.edgelb.hub.registry.AgentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
    private static final String DOC = "{\"agents\": {\"r1\": {\"listeners\": {\"web\": {\"port\": 80, \"pool\": \"web\"}},"
            + " \"pools\": {\"web\": {}}, \"members\": {\"m1\": {\"pool\": \"web\", \"address\": \"192.0.2.1\","
            + " \"protocol_port\": 80}, \"other\": {\"pool\": \"api\", \"address\": \"192.0.2.9\", \"protocol_port\": 81}},"
            + " \"healthmonitors\": {}}}}";

    @TempDir
    Path dir;

    @Test
    void refusesAWholeDocumentWithEveryProblemByPath() {
        FileSource.Result result = FileSource.parse("pools.json", "{\"agents\": {\"r1\": {\"members\": {\"m1\": "
                + "{\"pool\": \"web\", \"address\": \"192.0.2.300\", \"protocol_port\": 80}}}, \"r2\": {\"pools\": 3}}}");
        assertEquals(List.of("pools.json: agents.r1.members.m1.pool: pool 'web' does not exist",
                "pools.json: agents.r1.members.m1.address: address '192.0.2.300' is not an IP address",
                "pools.json: agents.r2.pools: is not an object of id: {...}"), result.errors());
        assertEquals(null, result.states());
    }

    @Test
    void aPushReplacesOnePoolsMembersAndRewritesTheDocument() throws Exception {
        Path file = dir.resolve("pools.json");
        // A second pool 'api' so that 'other' is valid.
        Files.writeString(file, DOC.replace("\"pools\": {\"web\": {}}", "\"pools\": {\"web\": {}, \"api\": {}}"));
        AgentRegistry registry = new AgentRegistry(Map.of("r1", "0".repeat(40)), System::currentTimeMillis, 15_000);
        FileSource source = new FileSource(file, 60_000, System::currentTimeMillis);
        source.start(registry);
        io.edgelb.testkit.Await.until(registry::isReady, "the first read");

        List<String> problems = source.pushMembers("r1", "web", Json.parse("{\"m2\": {\"address\": \"192.0.2.2\","
                + " \"protocol_port\": 8080, \"weight\": 5}}").asObject());
        assertEquals(List.of(), problems);
        var members = registry.desired("r1").config().members();
        assertEquals(List.of("other", "m2"), List.copyOf(members.keySet()), "api's member kept, web's replaced");
        assertEquals(5, members.get("m2").weight());
        assertTrue(Files.readString(file).contains("\"m2\""), "the document is the truth");

        assertEquals(List.of("pools.json: agents.r1.members.m3.weight: weight 999 is out of range 0-256"),
                source.pushMembers("r1", "web", Json.parse("{\"m3\": {\"address\": \"192.0.2.3\","
                        + " \"protocol_port\": 80, \"weight\": 999}}").asObject()).stream()
                        .map(p -> p.replace(file.toString(), "pools.json")).toList());
        assertEquals(List.of("agent 'r1' has no pool 'nope' in " + file),
                source.pushMembers("r1", "nope", Json.object()));
        source.close();
    }
}
