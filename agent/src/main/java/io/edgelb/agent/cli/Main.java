package io.edgelb.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code edgelb-agent} command line: {@code run}, {@code check}, {@code demo}, {@code status},
 * {@code reload}, {@code drain}, {@code enable}, {@code keygen}, {@code version}. Exit status 0 on success, 1 on
 * failure (an invalid configuration, an unreachable agent), 2 on a bad command line.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: edgelb-agent COMMAND [OPTIONS]",
            "",
            "  run --config FILE        run the agent in the foreground (logs to stdout/stderr)",
            "  check --config FILE      validate a configuration; prints FILE:LINE: message per problem",
            "  demo [--port N]          a working balancer on 127.0.0.1 with two built-in demo backends",
            "  status [--json]          listeners, pools and members of the running agent",
            "  reload                   make the running agent re-read its configuration (as SIGHUP)",
            "  drain MEMBER             stop sending new connections to a member",
            "  enable MEMBER            undo drain",
            "  keygen [--out FILE]      write this agent's CURVE key pair for the hub (default: the hub",
            "                           section's key_file, /etc/edgelb/agent.key); prints the public key",
            "  version                  print the version",
            "",
            "status, reload, drain and enable find the agent through --api HOST:PORT, else the agent",
            "section of --config FILE (default /etc/config/edgelb), else 127.0.0.1:8089; the token for",
            "changes comes from --token-file, else the configured api_token_file.",
            "Transport: -Dedgelb.transport=epoll|nio forces one (default: epoll where it loads).");

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (Args.UsageException e) {
            System.err.println("edgelb-agent: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        }
        System.exit(status);
    }

    /** Runs one command; returns the exit status. Daemon commands return only when the agent stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            throw new Args.UsageException("a command is required");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "run" -> RunCommand.run(rest, err);
            case "check" -> CheckCommand.run(rest, out, err);
            case "demo" -> DemoCommand.run(rest, out, err);
            case "status" -> ControlCommands.status(rest, out, err);
            case "reload" -> ControlCommands.reload(rest, out, err);
            case "drain" -> ControlCommands.drain(rest, out, err, true);
            case "enable" -> ControlCommands.drain(rest, out, err, false);
            case "keygen" -> KeygenCommand.run(rest, out, err);
            case "version", "--version" -> {
                out.println("edgelb-agent " + version());
                yield 0;
            }
            case "help", "--help", "-h" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> throw new Args.UsageException("unknown command '" + args[0] + "'");
        };
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
