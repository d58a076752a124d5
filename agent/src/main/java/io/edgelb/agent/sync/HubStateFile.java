package io.edgelb.agent.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.daemon.Logging;
import io.edgelb.model.ConfigLimits;
import io.edgelb.model.io.BoundedFile;
import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.json.Decoded;
import io.edgelb.model.json.JsonGuard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.tinylog.Logger;

/**
 * The last hub state on flash ({@code /etc/edgelb/hub-state.json}), so that a router rebooted while
 * its hub is unreachable serves what the hub last said. Written atomically (temporary file, fsync,
 * rename) and only when the objects changed: a hub restart or a heartbeat never writes.
 */
public final class HubStateFile {
    private final Path path;
    private String written; // the objects' JSON last written or read

    public HubStateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The persisted state for this agent, or null (none, another agent's, or unreadable: logged). */
    public HubState load(String agentId) {
        String text;
        try {
            // Bounded and regular files only: a 64 MiB or /dev/zero state file once kept the agent from
            // starting at all; now it is logged and the local configuration is served.
            text = new String(BoundedFile.read(path, ConfigLimits.maxHubStateBytes()), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            Logger.warn("hub: cannot use the persisted hub state: {}; starting from the local configuration",
                    Logging.value(e.getMessage()));
            return null;
        }
        String refused = JsonGuard.check(text, ConfigJson.MAX_CHARS * 2, ConfigJson.MAX_DEPTH + 1);
        try {
            if (refused != null) {
                throw new IllegalArgumentException(refused);
            }
            JsonObject root = Json.parse(text).asObject();
            if (!agentId.equals(root.getString("agent_id", ""))) {
                Logger.warn("hub: {} holds the state of agent '{}', not '{}'; ignored", path,
                        Logging.value(root.get("agent_id") == null ? "?" : root.get("agent_id").toString()), agentId);
                return null;
            }
            JsonValue objects = root.get("state");
            Decoded decoded = ConfigJson.decode(objects, "state");
            if (!decoded.ok()) {
                Logger.warn("hub: {} is not usable ({} problem(s)); ignored:", path, decoded.errors().size());
                Logging.firstLines(decoded.errors()).forEach(e -> Logger.warn("  {}", e));
                return null;
            }
            String json = ConfigJson.encodeText(decoded.config());
            written = json;
            return new HubState(root.getString("endpoint", ""), root.getString("instance", ""),
                    root.getLong("revision", 0), decoded.config(), json);
        } catch (RuntimeException e) {
            Logger.warn("hub: {} is not a hub state file ({}); ignored", path, Logging.value(e.getMessage()));
            return null;
        }
    }

    /** Writes the state when its objects differ from what is on disk; returns whether it wrote. */
    public boolean save(String agentId, HubState state) throws IOException {
        if (state.json().equals(written)) {
            return false;
        }
        String text = Json.object().add("format", 1).add("agent_id", agentId).add("endpoint", state.endpoint())
                .add("instance", state.instance()).add("revision", state.revision())
                .add("state", Json.parse(state.json())).toString() + "\n";
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".hub-state", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true); // the rename itself must survive a power cut
            } catch (IOException e) {
                Logger.debug("hub: fsync of {} not supported: {}", dir, e.getMessage());
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        written = state.json();
        return true;
    }
}
