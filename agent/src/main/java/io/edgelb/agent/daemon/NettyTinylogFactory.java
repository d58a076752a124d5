package io.edgelb.agent.daemon;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.tinylog.Logger;

/**
 * Sends Netty's internal logging to tinylog, so that everything the agent prints goes to one place
 * in one format (procd forwards stdout/stderr to logd) and the runtime needs no java.logging module.
 */
final class NettyTinylogFactory extends InternalLoggerFactory {
    static void install() {
        InternalLoggerFactory.setDefaultFactory(new NettyTinylogFactory());
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new TinylogLogger(name);
    }

    /**
     * Fills netty's {@code {}} placeholders here, so that tinylog only ever sees "{}" with one finished
     * message: its own formatter reads any other brace pair ({@code {int,long}} in a netty message) as a
     * choice pattern and complains on stderr.
     */
    static String format(String format, Object[] args) {
        if (format == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(format.length() + 32);
        int next = 0;
        int from = 0;
        int at;
        while ((at = format.indexOf("{}", from)) >= 0 && args != null && next < args.length) {
            if (at > 0 && format.charAt(at - 1) == '\\') {
                out.append(format, from, at - 1).append("{}");
            } else {
                out.append(format, from, at).append(text(args[next++]));
            }
            from = at + 2;
        }
        return out.append(format, from, format.length()).toString();
    }

    private static String text(Object arg) {
        if (arg instanceof Object[] array) {
            return java.util.Arrays.deepToString(array);
        }
        return String.valueOf(arg);
    }

    private static final class TinylogLogger extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        TinylogLogger(String name) {
            super(name);
        }

        /** A trailing Throwable that no placeholder takes is the cause, as in SLF4J and netty. */
        private static Throwable cause(Object[] args) {
            return args != null && args.length > 0 && args[args.length - 1] instanceof Throwable t ? t : null;
        }

        @Override public boolean isTraceEnabled() { return Logger.isTraceEnabled(); }
        @Override public void trace(String msg) { Logger.trace("netty: {}", msg); }
        @Override public void trace(String format, Object arg) { trace(format, new Object[] {arg}); }
        @Override public void trace(String format, Object a, Object b) { trace(format, new Object[] {a, b}); }
        @Override public void trace(String format, Object... args) { Logger.trace(cause(args), "netty: {}", format(format, args)); }
        @Override public void trace(String msg, Throwable t) { Logger.trace(t, "netty: {}", msg); }

        @Override public boolean isDebugEnabled() { return Logger.isDebugEnabled(); }
        @Override public void debug(String msg) { Logger.debug("netty: {}", msg); }
        @Override public void debug(String format, Object arg) { debug(format, new Object[] {arg}); }
        @Override public void debug(String format, Object a, Object b) { debug(format, new Object[] {a, b}); }
        @Override public void debug(String format, Object... args) { Logger.debug(cause(args), "netty: {}", format(format, args)); }
        @Override public void debug(String msg, Throwable t) { Logger.debug(t, "netty: {}", msg); }

        @Override public boolean isInfoEnabled() { return Logger.isInfoEnabled(); }
        @Override public void info(String msg) { Logger.info("netty: {}", msg); }
        @Override public void info(String format, Object arg) { info(format, new Object[] {arg}); }
        @Override public void info(String format, Object a, Object b) { info(format, new Object[] {a, b}); }
        @Override public void info(String format, Object... args) { Logger.info(cause(args), "netty: {}", format(format, args)); }
        @Override public void info(String msg, Throwable t) { Logger.info(t, "netty: {}", msg); }

        @Override public boolean isWarnEnabled() { return Logger.isWarnEnabled(); }
        @Override public void warn(String msg) { Logger.warn("netty: {}", msg); }
        @Override public void warn(String format, Object arg) { warn(format, new Object[] {arg}); }
        @Override public void warn(String format, Object a, Object b) { warn(format, new Object[] {a, b}); }
        @Override public void warn(String format, Object... args) { Logger.warn(cause(args), "netty: {}", format(format, args)); }
        @Override public void warn(String msg, Throwable t) { Logger.warn(t, "netty: {}", msg); }

        @Override public boolean isErrorEnabled() { return Logger.isErrorEnabled(); }
        @Override public void error(String msg) { Logger.error("netty: {}", msg); }
        @Override public void error(String format, Object arg) { error(format, new Object[] {arg}); }
        @Override public void error(String format, Object a, Object b) { error(format, new Object[] {a, b}); }
        @Override public void error(String format, Object... args) { Logger.error(cause(args), "netty: {}", format(format, args)); }
        @Override public void error(String msg, Throwable t) { Logger.error(t, "netty: {}", msg); }
    }
}
