package io.edgelb.agent.daemon;

import io.edgelb.model.io.Printable;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.configuration.Configuration;

/**
 * Configures logging once, before the first log line: tinylog to the console (info and debug on
 * stdout, warnings and errors on stderr; procd hands both to logd), Netty's logging routed in.
 * tinylog freezes its configuration at first use, so log_level takes effect at the next start.
 */
public final class Logging {
    /** Most messages one event logs. */
    public static final int MAX_LINES = 50;

    private Logging() {
    }

    /**
     * What one event may log of a list of messages (reload errors, warnings): the first
     * {@link #MAX_LINES}, each escaped onto one line and cut to {@link Printable#MAX_LINE_CHARS}, then
     * {@code … and N more} so the log says how much it left out. A 9,000-error reload logged every
     * line before.
     */
    public static List<String> firstLines(List<String> messages) {
        List<String> lines = new ArrayList<>(Math.min(messages.size(), MAX_LINES) + 1);
        for (String message : messages.subList(0, Math.min(messages.size(), MAX_LINES))) {
            lines.add(Printable.line(message, Printable.MAX_LINE_CHARS));
        }
        if (messages.size() > MAX_LINES) {
            lines.add("… and " + (messages.size() - MAX_LINES) + " more (the first " + MAX_LINES + " are shown;"
                    + " edgelb check --config FILE lists them all)");
        }
        return lines;
    }

    /** One value in a log line: escaped and at most {@link Printable#MAX_VALUE_CHARS} characters. */
    public static String value(String value) {
        return Printable.capped(value, Printable.MAX_VALUE_CHARS);
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
