package io.edgelb.tests.luci;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The three views in a real browser (headless Chromium), on a small LuCI runtime stand-in that
 * keeps LuCI's E() rules (a lone string child is innerHTML; a Node as second argument is taken as
 * the attributes): with hostile values in every string of /api/status, the hub report and UCI,
 * no script or handler runs and the text appears literally; plus what a browser shows of the
 * issue-11 points (error details, the hub's empty state, rounded rates, short ages, read-only
 * buttons, a full traffic graph on open, defaults in the tables, bind conflicts, untouched saves);
 * and the status view's VRRP section: one row per instance with its state as a badge, hostile
 * ids and reasons as text, and no section when the status has no "vrrp" or an empty one;
 * HTTP listeners (issue 15): the status view's protocol column and HTTP counters (a hostile
 * listener id and hostile counters as text), and the listener form's protocol, whose HTTP shows
 * insert_headers and timeout_http_request (the stand-in evaluates depends() as LuCI does and
 * removes inactive options on save) and whose save writes {@code option protocol 'HTTP'} and
 * {@code list insert_headers} lines, as the harness prints the changed /etc/config/edgelb.
 * The scenarios and checks are in browser/harness.js; a screenshot of the hostile status view is
 * left in target/luci-browser/status-hostile.png.
 */
class LuciBrowserTest {
    private static final List<JsonObject> checks = new ArrayList<>();

    @BeforeAll
    static void renderTheViews() throws Exception {
        assumeTrue(Toolbox.find("chromium") != null,
                "chromium is not installed: the LuCI browser test needs it (apt-get install chromium; .ci/run installs it)");
        Path work = Path.of("target/luci-browser").toAbsolutePath();
        Files.createDirectories(work);
        String out = Node.run(Node.script("browser/run-browser.js"), LuciApp.resources().toString(), work.toString(),
                work.resolve("status-hostile.png").toString());
        for (JsonValue check : Json.parse(out.strip()).asArray()) {
            checks.add(check.asObject());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCheckOfEveryScenarioHolds() {
        assertFalse(checks.isEmpty(), "the harness reported no checks");
        assertTrue(checks.stream().anyMatch(c -> c.getString("scenario", "").equals("all")),
                "the harness did not finish");
        return checks.stream().map(c -> DynamicTest.dynamicTest(
                c.getString("scenario", "?") + ": " + c.getString("check", "?"),
                () -> assertTrue(c.getBoolean("ok", false), c.getString("detail", ""))));
    }
}
