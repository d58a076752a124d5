package io.edgelb.hub.source;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.eclipsesource.json.WriterConfig;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.model.Config;
import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.json.Decoded;
import io.edgelb.model.json.JsonGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Desired state from a JSON document, {@code {"agents": {"r1": {listeners, pools, members,
 * healthmonitors}}}}, re-read when its modification time or size changes. A document with any
 * error is refused as a whole, every problem logged with its path; the last good one stays in
 * force. Operator pushes through the API rewrite the document, so it stays the one truth.
 */
public final class FileSource implements DesiredStateSource {
    private final Path path;
    private final long intervalMs;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private AgentRegistry registry;
    private FileTime lastModified;
    private long lastSize = -1;
    private boolean good;
    private volatile long lastSuccess;
    private volatile long failures;

    public FileSource(Path path, long intervalMs, LongSupplier clock) {
        this.path = path;
        this.intervalMs = intervalMs;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "hub-file-source");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public void start(AgentRegistry registry) {
        this.registry = registry;
        timer.scheduleWithFixedDelay(this::checkQuietly, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Reads the document once, now (for `run` to refuse a broken file before it starts). */
    public static Result read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Result.failed(path + ": cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    /** Per-agent snapshots, or every problem as {@code FILE: agents.ID.kind.id.field: message}. */
    public record Result(Map<String, Config> states, List<String> errors, List<String> warnings) {
        static Result failed(String error) {
            return new Result(null, List.of(error), List.of());
        }

        public boolean ok() {
            return states != null;
        }
    }

    static Result parse(String name, String text) {
        String refused = JsonGuard.check(text, ConfigJson.MAX_CHARS * 4, ConfigJson.MAX_DEPTH + 2);
        if (refused != null) {
            return Result.failed(name + ": " + refused);
        }
        JsonValue root;
        try {
            root = Json.parse(text);
        } catch (ParseException e) {
            return Result.failed(name + ": not JSON: " + e.getMessage());
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Config> states = new LinkedHashMap<>();
        if (!root.isObject() || (root.asObject().get("agents") != null && !root.asObject().get("agents").isObject())) {
            return Result.failed(name + ": expected {\"agents\": {\"AGENT\": {listeners, pools, members, healthmonitors}}}");
        }
        for (String field : root.asObject().names()) {
            if (!field.equals("agents")) {
                errors.add(name + ": " + field + ": unknown field");
            }
        }
        JsonValue agents = root.asObject().get("agents");
        if (agents != null) {
            for (JsonObject.Member agent : agents.asObject()) {
                Decoded decoded = ConfigJson.decode(agent.getValue(), "agents." + agent.getName());
                decoded.errors().forEach(e -> errors.add(name + ": " + e));
                decoded.warnings().forEach(w -> warnings.add(name + ": " + w));
                if (decoded.ok()) {
                    states.put(agent.getName(), decoded.config());
                }
            }
        }
        return errors.isEmpty() ? new Result(states, List.of(), warnings) : new Result(null, errors, warnings);
    }

    private void checkQuietly() {
        try {
            check(false);
        } catch (RuntimeException e) {
            failures++;
            Logger.error(e, "file source: reading {} failed", path);
        }
    }

    /** Re-reads when the file changed (or always when forced); hands a good result to the registry. */
    private synchronized void check(boolean force) {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(path);
            size = Files.size(path);
        } catch (IOException e) {
            if (lastSize != -2) {
                failures++;
                Logger.error("file source: {} cannot be read ({}); the last good state stays in force", path,
                        e.getMessage());
            }
            lastSize = -2;
            return;
        }
        if (!force && Objects.equals(modified, lastModified) && size == lastSize) {
            if (good) {
                lastSuccess = clock.getAsLong();
            }
            return;
        }
        lastModified = modified;
        lastSize = size;
        Result result = read(path);
        result.warnings().forEach(w -> Logger.warn("file source: {}", w));
        good = result.ok();
        if (!result.ok()) {
            failures++;
            Logger.error("file source: {} refused; the last good state stays in force:", path);
            result.errors().forEach(e -> Logger.error("  {}", e));
            return;
        }
        for (String agent : result.states().keySet()) {
            if (!registry.agents().contains(agent)) {
                Logger.warn("file source: agent '{}' is not in the hub's agents allow-list; its state is not sent", agent);
            }
        }
        lastSuccess = clock.getAsLong();
        registry.replaceAll(result.states());
        Logger.info("file source: {} read: {} agent(s)", path, result.states().size());
    }

    /**
     * Replaces the members of one pool of one agent (the API's operator push), writes the document
     * back atomically and applies it. Returns the problems; empty means done.
     */
    public synchronized List<String> pushMembers(String agent, String pool, JsonObject members) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(path + ": cannot read: " + e.getMessage());
        }
        Result current = parse(path.toString(), text);
        if (!current.ok()) {
            return current.errors();
        }
        Config state = current.states().get(agent);
        if (state == null || !state.pools().containsKey(pool)) {
            return List.of("agent '" + agent + "' has no pool '" + pool + "' in " + path);
        }
        JsonObject document = Json.parse(text).asObject();
        JsonObject agentJson = document.get("agents").asObject().get(agent).asObject();
        JsonObject oldMembers = agentJson.get("members") == null ? new JsonObject() : agentJson.get("members").asObject();
        JsonObject newMembers = new JsonObject();
        for (JsonObject.Member m : oldMembers) {
            boolean inPool = m.getValue().isObject() && Json.value(pool).equals(m.getValue().asObject().get("pool"));
            if (!inPool && members.get(m.getName()) == null) {
                newMembers.add(m.getName(), m.getValue());
            }
        }
        for (JsonObject.Member m : members) {
            if (!m.getValue().isObject()) {
                return List.of("members." + m.getName() + ": is not an object");
            }
            JsonObject member = new JsonObject().merge(m.getValue().asObject());
            JsonValue given = member.get("pool");
            if (given != null && !Json.value(pool).equals(given)) {
                return List.of("members." + m.getName() + ".pool: the push is for pool '" + pool + "'");
            }
            member.set("pool", pool);
            newMembers.add(m.getName(), member);
        }
        agentJson.set("members", newMembers);
        String updated = document.toString(WriterConfig.PRETTY_PRINT) + "\n";
        Result checked = parse(path.toString(), updated);
        if (!checked.ok()) {
            return checked.errors();
        }
        try {
            Path temp = Files.createTempFile(path.toAbsolutePath().getParent(), ".pools", ".tmp");
            Files.writeString(temp, updated, StandardCharsets.UTF_8);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return List.of(path + ": cannot write: " + e.getMessage());
        }
        Logger.info("file source: members of pool {} of agent {} replaced through the API ({} member(s))", pool,
                agent, members.size());
        check(true);
        return List.of();
    }

    @Override
    public long lastSuccessAgeMs(long now) {
        return lastSuccess == 0 ? -1 : now - lastSuccess;
    }

    @Override
    public long failures() {
        return failures;
    }

    @Override
    public void close() {
        timer.shutdown();
    }
}
