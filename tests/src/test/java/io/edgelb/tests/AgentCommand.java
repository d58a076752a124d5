package io.edgelb.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How the cross-process tests run the agent's command line: the reactor's jar on a JVM with given
 * flags, or an installed {@code /usr/sbin/edgelb}, which picks its runtime and flags itself as
 * procd would have it do. By default the JVM is the test JVM's own java with a small heap; the
 * system properties {@code edgelb.agentJava} (a java binary) and {@code edgelb.agentJvmFlags}
 * (flags separated by spaces) name others for a whole run.
 */
public final class AgentCommand {
    /** The flags the tests have always given the agent's JVM. */
    static final List<String> DEFAULT_FLAGS = List.of("-Xmx64m");

    private final List<String> java;
    private final Path launcher;
    /** Launcher only: leave EDGELB_JAVA_OPTS unset, so that the launcher asks uci as on a router. */
    private final boolean javaOptsFromUci;
    /** Launcher only: environment added for the process (a PATH with a stand-in uci, say). */
    private final Map<String, String> env;

    private AgentCommand(List<String> java, Path launcher, boolean javaOptsFromUci, Map<String, String> env) {
        this.java = java;
        this.launcher = launcher;
        this.javaOptsFromUci = javaOptsFromUci;
        this.env = Map.copyOf(env);
    }

    /** The JVM and flags named by the system properties, else the test JVM's java and {@link #DEFAULT_FLAGS}. */
    public static AgentCommand fromSystemProperties() {
        String java = System.getProperty("edgelb.agentJava",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("edgelb.agentJvmFlags");
        return java(Path.of(java), flags == null ? DEFAULT_FLAGS : words(flags));
    }

    /** {@code java FLAGS -jar AGENT_JAR}, the jar being the one the reactor built. */
    public static AgentCommand java(Path java, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(flags);
        return new AgentCommand(List.copyOf(command), null, false, Map.of());
    }

    /**
     * An installed launcher ({@code ROOT/usr/sbin/edgelb}): the JVM it execs is its packaged
     * runtime (JAVA_HOME is cleared so that nothing else is found) with its own flags; extra JVM
     * arguments go in its {@code EDGELB_JAVA_OPTS}, which it appends last.
     */
    public static AgentCommand launcher(Path launcher) {
        return new AgentCommand(null, launcher, false, Map.of());
    }

    /**
     * An installed launcher as the init script runs it: EDGELB_JAVA_OPTS is left unset, so the
     * launcher asks {@code uci} for the agent section's heap and java_opts, as on a router; env is
     * added to the process's environment (e.g. a PATH whose first {@code uci} is a stand-in).
     * Takes no extra JVM arguments: those would have to go in EDGELB_JAVA_OPTS.
     */
    public static AgentCommand installed(Path launcher, Map<String, String> env) {
        return new AgentCommand(null, launcher, true, env);
    }

    /** How long a start may take: a packaged runtime's first start also writes its CDS archive. */
    Duration startTimeout() {
        return launcher == null ? Duration.ofSeconds(20) : Duration.ofSeconds(60);
    }

    /** How long closing waits after SIGTERM before SIGKILL. */
    Duration stopTimeout() {
        return launcher == null ? Duration.ofSeconds(15) : Duration.ofSeconds(30);
    }

    /** The process for the CLI arguments, with extra JVM arguments after the command's own flags. */
    ProcessBuilder processBuilder(List<String> extraJvmArgs, List<String> cliArgs) {
        List<String> command = new ArrayList<>();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (launcher == null) {
            command.addAll(java);
            command.addAll(extraJvmArgs);
            command.addAll(List.of("-jar", AgentProcess.jar().toAbsolutePath().toString()));
        } else {
            for (String arg : extraJvmArgs) {
                if (arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("the launcher splits EDGELB_JAVA_OPTS on blanks: '" + arg + "'");
                }
            }
            command.add(launcher.toString());
            builder.environment().remove("JAVA_HOME"); // the packaged runtime, nothing else
            builder.environment().remove("EDGELB_JAVA_OPTS");
            builder.environment().putAll(env);
            if (!javaOptsFromUci) {
                // Set even when empty: the launcher then asks no uci for the agent section's java_opts.
                builder.environment().put("EDGELB_JAVA_OPTS", String.join(" ", extraJvmArgs));
            } else if (!extraJvmArgs.isEmpty()) {
                throw new IllegalArgumentException("an installed launcher takes its JVM options from uci, not "
                        + extraJvmArgs);
            }
        }
        command.addAll(cliArgs);
        return builder;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return launcher == null ? String.join(" ", java) + " -jar " + AgentProcess.jar() : launcher.toString();
    }
}
