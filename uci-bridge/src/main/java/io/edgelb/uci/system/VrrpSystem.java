package io.edgelb.uci.system;

import io.edgelb.model.Config;
import io.edgelb.model.VrrpInstance;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent's VRRP part of the system: keepalived's configuration (through a {@link KeepalivedWriter})
 * and the health answers keepalived reads ({@link VrrpHealthFiles}). Health files are written before
 * keepalived is reloaded, so a new instance never starts with a stale answer.
 *
 * <p>Threads: the agent's control thread only; {@link #health()} is published for the status API.
 */
public final class VrrpSystem {
    private final KeepalivedWriter writer;
    private final VrrpHealthFiles files;
    private Config config = Config.empty();
    private List<VrrpInstance> applied = List.of();
    private volatile Map<String, Boolean> health = Map.of();

    public VrrpSystem(KeepalivedWriter writer, VrrpHealthFiles files) {
        this.writer = writer;
        this.files = files;
    }

    /** Brings keepalived and the health files to {@code next}'s enabled instances. */
    void apply(Config next, Predicate<String> eligible) throws SystemCommandException {
        List<VrrpInstance> instances = next.vrrps().values().stream().filter(VrrpInstance::enabled).toList();
        if (instances.isEmpty() && applied.isEmpty()) {
            config = next;
            return;
        }
        health = Map.copyOf(files.write(instances, next, eligible));
        writer.apply(instances, files);
        applied = instances;
        config = next;
    }

    /** Follows member eligibility between applies: only health files change. */
    boolean refresh(Predicate<String> eligible) throws SystemCommandException {
        if (applied.isEmpty()) {
            return false;
        }
        Map<String, Boolean> before = health;
        health = Map.copyOf(files.write(applied, config, eligible));
        return !health.equals(before);
    }

    /** Agent stop: keep the VIPs for a restart's grace, then keepalived gives them up. */
    public void stopping(long nowMillis) {
        if (applied.isEmpty()) {
            return;
        }
        try {
            files.stopping(nowMillis);
        } catch (SystemCommandException e) {
            org.tinylog.Logger.error("could not mark the VRRP health answers as stopping: {}", e.getMessage());
        }
    }

    boolean active() {
        return !applied.isEmpty();
    }

    public String writer() {
        return writer.name();
    }

    /** Per instance: may this router hold the VIP (as keepalived's check will answer). */
    public Map<String, Boolean> health() {
        return health;
    }
}
