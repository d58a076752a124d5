package io.edgelb.agent.cli;

import com.eclipsesource.json.JsonObject;

/** Lets tests in other packages render the status table. */
public final class StatusTableAccess {
    private StatusTableAccess() {
    }

    public static String render(JsonObject status) {
        return StatusTable.render(status);
    }
}
