package io.edgelb.agent.api;

import com.eclipsesource.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** What the local API may ask of the running agent. Implementations run the mutations on the control thread. */
public interface AgentControl {
    JsonObject status();

    String metrics();

    /** Recent counters per listener (TrafficHistory#toJson); none by default. */
    default JsonObject history() {
        return new JsonObject();
    }

    /** Completes with false when no member has that id. */
    CompletableFuture<Boolean> setDrained(String memberId, boolean drained);

    /** Re-reads the configuration; completes with the outcome as shown in the status. */
    CompletableFuture<JsonObject> reload();
}
