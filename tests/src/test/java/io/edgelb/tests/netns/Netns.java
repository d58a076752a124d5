package io.edgelb.tests.netns;

import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.SystemCommandException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs commands on the host or inside a named network namespace, failing with the command and its error. */
public final class Netns {
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner(60_000);

    private Netns() {
    }

    public static String host(String... argv) throws SystemCommandException {
        return RUNNER.run(Arrays.asList(argv));
    }

    public static String in(String ns, String... argv) throws SystemCommandException {
        return RUNNER.run(prefixed(ns, Arrays.asList(argv)));
    }

    public static String in(String ns, List<String> argv) throws SystemCommandException {
        return RUNNER.run(prefixed(ns, argv));
    }

    /** Like {@link #in} but returns null instead of failing. */
    public static String tryIn(String ns, String... argv) {
        try {
            return in(ns, argv);
        } catch (SystemCommandException e) {
            return null;
        }
    }

    public static List<String> prefix(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    public static List<String> prefixed(String ns, List<String> argv) {
        List<String> command = new ArrayList<>(prefix(ns));
        command.addAll(argv);
        return command;
    }

    /** Kills what still runs inside (servers, agents, keepalived), then deletes the namespace and so its links. */
    public static void delete(String ns) {
        try {
            for (String pid : host("ip", "netns", "pids", ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (SystemCommandException | NumberFormatException e) {
            // already gone
        }
        try {
            host("ip", "netns", "del", ns);
        } catch (SystemCommandException e) {
            // already gone
        }
    }
}
