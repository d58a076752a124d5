package io.edgelb.agent.daemon;

import org.tinylog.Logger;
import sun.misc.Signal;

/**
 * Unix signals the way an OpenWrt service expects them: HUP re-reads the configuration (a JVM would
 * otherwise exit on it), TERM and INT stop gracefully, a second INT stops at once.
 */
public final class SignalHandlers {
    private SignalHandlers() {
    }

    public static void install(Agent agent) {
        Signal.handle(new Signal("HUP"), signal -> {
            Logger.info("SIGHUP: reloading the configuration");
            agent.reload();
        });
        Signal.handle(new Signal("TERM"), signal -> agent.shutdown("SIGTERM"));
        Signal.handle(new Signal("INT"), new sun.misc.SignalHandler() {
            private boolean seen;

            @Override
            public void handle(Signal signal) {
                if (seen) {
                    Logger.warn("second SIGINT: exiting now");
                    Runtime.getRuntime().halt(1);
                }
                seen = true;
                agent.shutdown("SIGINT");
            }
        });
    }
}
