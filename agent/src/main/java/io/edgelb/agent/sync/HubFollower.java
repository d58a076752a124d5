package io.edgelb.agent.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.HubSettings;
import io.edgelb.model.Problem;
import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.sync.CurveKeyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The agent's side of central management, apart from the sockets: which hub state is in force,
 * how it joins the local configuration, its persistence, and the hub client's lifecycle.
 *
 * <p>Threading: everything but {@link #describe} and the status supplier runs on the agent's
 * control thread. The hub client hands states over through {@code deliver}, which the agent
 * points at its control thread.
 */
public final class HubFollower implements AutoCloseable {
    private final LongSupplier clock;
    private HubSettings settings = HubSettings.disabled();
    private HubStateFile stateFile;
    private HubClient client;
    private volatile HubState applied;
    private volatile String applyError;

    public HubFollower(LongSupplier clock) {
        this.clock = clock;
    }

    /** The hub objects in force, namespaced, or null when there are none. */
    public Config objects() {
        HubState state = applied;
        return state == null || !settings.enabled() ? null : HubObjects.namespaced(state.objects());
    }

    /** Adds the hub's objects in force to a local snapshot. */
    public Config compose(Config local) {
        return HubObjects.compose(local, objects());
    }

    /**
     * Control thread: what {@link #compose} will give once {@code next} is configured, changing nothing
     * (the reload that brings {@code next} may still be refused): no hub objects when it disables the
     * hub, else the state in force or, when there is none yet, the persisted one.
     */
    public Config composeFor(HubSettings next, Config local) {
        if (!next.enabled()) {
            return local;
        }
        HubState state = applied;
        if (state == null) {
            state = new HubStateFile(Path.of(next.stateFile())).load(next.agentId());
        }
        return HubObjects.compose(local, state == null ? null : HubObjects.namespaced(state.objects()));
    }

    /**
     * Errors that the hub objects cause in the composed snapshot (a port clash with a local
     * listener, say), as {@code hub: PATH: message}. The local part was validated on its own.
     */
    public static List<String> problemsOf(Config composed) {
        List<String> errors = new ArrayList<>();
        for (Problem p : ConfigValidator.validate(composed)) {
            if (p.isError()) {
                errors.add("hub: " + ConfigJson.pathOf("", p) + ": " + p.message());
            }
        }
        return errors;
    }

    /**
     * Control thread: takes the hub settings of a (re)loaded configuration. Starts, restarts or
     * stops the client when they changed; loads the persisted state on the first start.
     */
    public void configure(HubSettings next, Consumer<HubState> deliver, Supplier<JsonObject> agentStatus) {
        if (next.equals(settings) && (client != null || !next.enabled())) {
            return;
        }
        stop();
        settings = next;
        if (!next.enabled()) {
            applied = null;
            return;
        }
        stateFile = new HubStateFile(Path.of(next.stateFile()));
        if (applied == null) {
            applied = stateFile.load(next.agentId());
            if (applied != null) {
                Logger.info("hub: serving the persisted state of {} (revision {}) until a hub answers",
                        stateFile.path(), applied.revision());
            }
        }
        try {
            CurveKeyFile keys = CurveKeyFile.read(Path.of(next.keyFile()));
            client = new HubClient(new HubClient.Settings(next.agentId(), next.endpoints(), next.serverKey(), keys),
                    deliver, () -> HubStatusReport.build(next.agentId(), applied, lastError(), agentStatus.get()),
                    clock);
            client.start();
            Logger.info("hub: following {} as agent '{}'", String.join(", ", next.endpoints()), next.agentId());
        } catch (IOException e) {
            applyError = "cannot read the key file: " + e.getMessage();
            Logger.error("hub: {} (run `edgelb-agent keygen`); not connecting", applyError);
        }
    }

    /** True when a received state must go through reconcile (its objects differ from those in force). */
    public boolean changes(HubState next) {
        return !next.sameObjects(applied);
    }

    /** Control thread: the state was applied; remember it and persist it when its objects changed. */
    public void applied(HubState state) {
        applied = state;
        applyError = null;
        if (client != null) {
            client.clearError();
            client.reportSoon(); // the hub (and Octavia) wait for this applied_revision
        }
        try {
            if (stateFile.save(settings.agentId(), state)) {
                Logger.info("hub: revision {} saved to {}", state.revision(), stateFile.path());
            }
        } catch (IOException e) {
            Logger.error("hub: cannot save {}: {}", stateFile.path(), e.getMessage());
        }
    }

    /** Control thread: a received state was refused; it is reported to the hub. */
    public void refused(HubState state, List<String> errors) {
        applyError = "revision " + state.revision() + " refused: " + String.join("; ", errors);
        if (client != null) {
            client.reportSoon();
        }
        Logger.error("hub: revision {} from {} refused; still serving the previous hub state:", state.revision(),
                state.endpoint());
        errors.forEach(e -> Logger.error("  {}", e));
    }

    private String lastError() {
        String error = applyError;
        return error != null ? error : client == null ? null : client.lastError();
    }

    /** For {@code /api/status}. */
    public JsonObject describe() {
        HubState state = applied;
        HubClient current = client;
        JsonObject hub = current != null ? current.describe(clock.getAsLong()) : Json.object();
        return hub.add("enabled", settings.enabled())
                .add("applied_revision", state == null ? 0 : state.revision())
                .add("applied_from", state == null ? Json.NULL : Json.value(state.endpoint()))
                .add("apply_error", applyError == null ? Json.NULL : Json.value(applyError));
    }

    /** Control thread: a member's health changed; the hub hears of it soon, not in 5 s. */
    public void healthChanged() {
        if (client != null) {
            client.reportSoon();
        }
    }

    private void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
