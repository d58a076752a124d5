package io.edgelb.uci.system;

import java.util.List;

/**
 * Runs one system command (ip, bridge, nft, iptables, ipset, uci, ubus) as an argument vector, never
 * through a shell, and returns its standard output; a non-zero exit, a timeout or a missing program
 * is a {@link SystemCommandException} that names the command line and quotes its error.
 */
public interface CommandRunner {
    /** Runs {@code argv} with nothing on standard input. */
    default String run(List<String> argv) throws SystemCommandException {
        return run(argv, null);
    }

    /** Runs {@code argv} with {@code stdin} (may be null) on standard input: {@code nft -f -}, {@code uci batch}. */
    String run(List<String> argv, String stdin) throws SystemCommandException;

    /** True when the program can be run at all (found on the PATH or an existing absolute path). */
    boolean available(String program);
}
