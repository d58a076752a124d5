package io.edgelb.uci.system;

import io.edgelb.model.Config;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.VrrpInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tinylog.Logger;

/**
 * What keepalived asks every second (its {@code vrrp_script}): may this router hold the VIP? The
 * agent answers in files under {@code <state_dir>/vrrp/}: {@code NAME.health} holds
 * {@code "PID up"} or {@code "PID down"}, and the shell script {@code check} exits 0 only when the
 * file says up and process PID is still an edgelb agent. A dead agent thus gives up the VIP without
 * having to say so; one whose listeners have no member up says down.
 *
 * <p>keepalived runs {@code /bin/sh <state_dir>/vrrp/check NAME}: {@code /bin/sh} passes keepalived's
 * script security checks, and while the agent has not written the files yet (boot, first start) the
 * check fails, which is the right answer. Threads: the agent's control thread only.
 */
public final class VrrpHealthFiles {
    static final String CHECK = """
            # Written by the edgelb agent. keepalived runs it as: /bin/sh %s NAME
            # Exit 0 while the agent that wrote NAME.health runs and says its VIP's listeners can serve.
            read -r pid health until < "${0%%/*}/$1.health" || exit 1
            if [ "$health" = stopping ]; then
            	# A stopped agent: keep the VIP until UNTIL (epoch seconds), time for a restart to come back.
            	[ "$(date +%%s)" -lt "${until:-0}" ]
            	exit
            fi
            [ "$health" = up ] || exit 1
            [ -r "/proc/$pid/cmdline" ] || exit 1
            grep -q edgelb "/proc/$pid/cmdline"
            """;
    /**
     * How long a gracefully stopped agent keeps its VIPs: procd and systemd restart by stop, then
     * start, and the next JVM needs a few seconds on a router (the same 5 s the launcher gives the
     * listener hand-off, edgelb.handoffWindowMs) before it answers; a plain stop gives the VIP
     * up after this, plus keepalived's two failed checks.
     */
    public static final long RESTART_GRACE_MS = 5_000;

    private final Path dir;
    private final long pid;
    private final Map<String, Boolean> written = new HashMap<>();

    public VrrpHealthFiles(Path stateDir, long pid) {
        this.dir = stateDir.resolve("vrrp");
        this.pid = pid;
    }

    /** The script keepalived runs; its path holds no blank or quote (state_dir is validated). */
    public Path checkScript() {
        return dir.resolve("check");
    }

    /** The command keepalived's vrrp_script runs for {@code instance}. */
    public String checkCommand(String instance) {
        return "/bin/sh " + checkScript() + " " + instance;
    }

    /**
     * True when the instance may hold its VIPs: at least one listener that follows it is enabled and
     * has a member {@code eligible} accepts. A dnat listener counts like a relay one.
     */
    public static boolean healthy(VrrpInstance vrrp, Config config, Predicate<String> eligible) {
        for (Listener listener : vrrp.followers(config)) {
            if (!listener.enabled() || listener.poolId() == null || !config.pools().containsKey(listener.poolId())
                    || !config.pools().get(listener.poolId()).enabled()) {
                continue;
            }
            for (Member member : config.membersOf(listener.poolId())) {
                if (eligible.test(member.id())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Writes the check script and one health file per instance (only those whose answer changed), and
     * removes the files of instances that are gone; returns the answers.
     */
    public Map<String, Boolean> write(List<VrrpInstance> instances, Config config, Predicate<String> eligible)
            throws SystemCommandException {
        Map<String, Boolean> answers = new java.util.LinkedHashMap<>();
        try {
            if (!instances.isEmpty() || !written.isEmpty()) {
                Files.createDirectories(dir);
                writeIfChanged(checkScript(), String.format(CHECK, checkScript()));
            }
            for (VrrpInstance vrrp : instances) {
                boolean up = healthy(vrrp, config, eligible);
                answers.put(vrrp.id(), up);
                if (!Boolean.valueOf(up).equals(written.get(vrrp.id()))) {
                    writeIfChanged(dir.resolve(vrrp.id() + ".health"), pid + (up ? " up\n" : " down\n"));
                    if (written.containsKey(vrrp.id())) {
                        Logger.info("vrrp '{}': {}", vrrp.id(), up ? "a listener can serve again: may hold the VIP"
                                : "no listener on the VIP has a member up: giving up the VIP");
                    }
                    written.put(vrrp.id(), up);
                }
            }
            for (String gone : List.copyOf(written.keySet())) {
                if (!answers.containsKey(gone)) {
                    Files.deleteIfExists(dir.resolve(gone + ".health"));
                    written.remove(gone);
                }
            }
        } catch (IOException e) {
            throw new SystemCommandException(List.of("write", dir.toString()), e.toString());
        }
        return answers;
    }

    /**
     * Agent stop: every instance that may hold its VIP says {@code stopping} until
     * {@code nowMillis + RESTART_GRACE_MS}, so a restart does not move the VIP; a successor overwrites it.
     */
    public void stopping(long nowMillis) throws SystemCommandException {
        long until = (nowMillis + RESTART_GRACE_MS + 999) / 1000;
        try {
            for (Map.Entry<String, Boolean> entry : written.entrySet()) {
                if (entry.getValue()) {
                    writeIfChanged(dir.resolve(entry.getKey() + ".health"), pid + " stopping " + until + "\n");
                }
            }
        } catch (IOException e) {
            throw new SystemCommandException(List.of("write", dir.toString()), e.toString());
        }
    }

    /** Atomic: keepalived may read while the agent writes. */
    private static void writeIfChanged(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
