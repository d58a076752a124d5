package io.edgelb.agent.daemon;

import org.tinylog.Logger;
import sun.misc.Signal;

/**
 * Unix signals the way an OpenWrt service expects them: HUP re-reads the configuration (a JVM would
 * otherwise exit on it), TERM and INT stop gracefully, a second INT stops at once.
 *
 * <p>Installed before the agent starts, so that procd's reload (a HUP) during the seconds a JVM takes
 * to start is remembered and applied once the agent runs, instead of killing the process.
 */
public final class SignalHandlers {
    private Agent agent;
    private boolean reloadPending;
    private String stopPending;
    private boolean interrupted;

    private SignalHandlers() {
    }

    /** Takes over HUP, TERM and INT now; {@link #attach} hands them to the running agent. */
    public static SignalHandlers install() {
        SignalHandlers handlers = new SignalHandlers();
        Signal.handle(new Signal("HUP"), signal -> handlers.hangup());
        Signal.handle(new Signal("TERM"), signal -> handlers.stop("SIGTERM"));
        Signal.handle(new Signal("INT"), signal -> handlers.interrupt());
        return handlers;
    }

    /** The agent is running: signals go to it, and one that came during start-up is acted on now. */
    public synchronized void attach(Agent running) {
        this.agent = running;
        if (stopPending != null) {
            Logger.info("{} arrived while starting: stopping", stopPending);
            running.shutdown(stopPending);
        } else if (reloadPending) {
            Logger.info("SIGHUP arrived while starting: reloading");
            running.reload();
        }
    }

    private synchronized void hangup() {
        if (agent == null) {
            reloadPending = true;
            return;
        }
        Logger.info("SIGHUP: reloading the configuration");
        agent.reload();
    }

    private synchronized void stop(String why) {
        if (agent == null) {
            stopPending = why;
            return;
        }
        agent.shutdown(why);
    }

    private synchronized void interrupt() {
        if (interrupted || agent == null) {
            Logger.warn("SIGINT: exiting now");
            Runtime.getRuntime().halt(1);
        }
        interrupted = true;
        agent.shutdown("SIGINT");
    }
}
