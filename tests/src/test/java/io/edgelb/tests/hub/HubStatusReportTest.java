package io.edgelb.tests.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.sync.HubStatusReport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The agent's report encoding: plain when small, deflated when large, cut with a note past the frame limit. */
class HubStatusReportTest {
    private static final int FRAME = 1024 * 1024;

    @Test
    void smallReportsStayPlainJson() {
        byte[] body = HubStatusReport.encode(report(10));
        assertEquals('{', body[0]);
    }

    @Test
    void theObjectCeilingFitsOneFrameCompressed() throws Exception {
        byte[] body = HubStatusReport.encode(report(10_000));
        assertTrue(body.length <= FRAME, body.length + " bytes");
        JsonObject back = Json.parse(inflate(body)).asObject();
        assertEquals(10_000, back.get("members").asArray().size());
        assertFalse(back.getBoolean("truncated", false));
    }

    @Test
    void aReportBeyondTheFrameIsCutWithANote() throws Exception {
        byte[] body = HubStatusReport.encode(report(60_000));
        assertTrue(body.length <= FRAME, body.length + " bytes");
        JsonObject back = Json.parse(inflate(body)).asObject();
        assertTrue(back.getBoolean("truncated", false));
        assertEquals(60_000, back.getInt("members_total", 0));
        int kept = back.get("members").asArray().size();
        assertTrue(kept > 10_000 && kept < 60_000, kept + " members kept");
        assertEquals(7, back.getLong("applied_revision", 0), "the revision always travels");
    }

    private static JsonObject report(int members) {
        Random random = new Random(1);
        JsonArray list = new JsonArray();
        for (int i = 0; i < members; i++) {
            list.add(Json.object().add("id", String.format("2f11787a-0000-4000-8000-%012d", i))
                    .add("operating_status", "ONLINE").add("weight", 1).add("drained", false)
                    .add("active_connections", random.nextInt(100)).add("total_connections", random.nextInt(1 << 20))
                    .add("bytes_in", random.nextLong() >>> 24).add("bytes_out", random.nextLong() >>> 24)
                    .add("pool", "2f11787a-1111-4000-8000-000000000001"));
        }
        return Json.object().add("agent_id", "r1").add("applied_revision", 7).add("listeners", new JsonArray())
                .add("members", list);
    }

    private static String inflate(byte[] body) throws Exception {
        Inflater inflater = new Inflater();
        inflater.setInput(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        while (!inflater.finished()) {
            out.write(buffer, 0, inflater.inflate(buffer));
        }
        inflater.end();
        return out.toString(StandardCharsets.UTF_8);
    }
}
