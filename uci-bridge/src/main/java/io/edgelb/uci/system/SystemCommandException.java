package io.edgelb.uci.system;

import java.util.List;

/**
 * A system command failed: the message names the command line and what it said, e.g.
 * {@code ip link add vx100 type vxlan id 100 dev nosuch0 ...: Cannot find device "nosuch0"}, because
 * that is what an operator needs in the log and in /api/status.
 */
public final class SystemCommandException extends Exception {
    private final List<String> argv;
    private final String error;

    public SystemCommandException(List<String> argv, String error) {
        super(commandLine(argv) + ": " + error);
        this.argv = List.copyOf(argv);
        this.error = error;
    }

    public List<String> argv() {
        return argv;
    }

    /** What the command printed on standard error (or why it could not run), trimmed. */
    public String error() {
        return error;
    }

    /** The argument vector as a shell user would type it; arguments with blanks are quoted. */
    public static String commandLine(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String arg : argv) {
            if (line.length() > 0) {
                line.append(' ');
            }
            boolean plain = !arg.isEmpty() && arg.chars().noneMatch(c -> c <= ' ' || c == '\'' || c == '"'
                    || c == '\\' || c == '{' || c == '}' || c == ';' || c == '$');
            line.append(plain ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
