package io.edgelb.agent.daemon;

import org.tinylog.configuration.Configuration;

/**
 * Configures logging once, before the first log line: tinylog to the console (info and debug on
 * stdout, warnings and errors on stderr; procd hands both to logd), Netty's logging routed in.
 * tinylog freezes its configuration at first use, so log_level takes effect at the next start.
 */
public final class Logging {
    private Logging() {
    }

    public static void configure(String level) {
        if (!Configuration.isFrozen()) {
            Configuration.set("writer", "console");
            Configuration.set("writer.level", level);
            Configuration.set("writer.stream", "err@WARN");
            Configuration.set("writer.format", "{level|min-size=5} {message}");
            Configuration.set("writingthread", "false");
        }
        NettyTinylogFactory.install();
    }
}
