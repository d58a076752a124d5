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

    private static final class TinylogLogger extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        TinylogLogger(String name) {
            super(name);
        }

        @Override public boolean isTraceEnabled() { return Logger.isTraceEnabled(); }
        @Override public void trace(String msg) { Logger.trace("netty: {}", msg); }
        @Override public void trace(String format, Object arg) { Logger.trace("netty: " + format, arg); }
        @Override public void trace(String format, Object a, Object b) { Logger.trace("netty: " + format, a, b); }
        @Override public void trace(String format, Object... args) { Logger.trace("netty: " + format, args); }
        @Override public void trace(String msg, Throwable t) { Logger.trace(t, "netty: {}", msg); }

        @Override public boolean isDebugEnabled() { return Logger.isDebugEnabled(); }
        @Override public void debug(String msg) { Logger.debug("netty: {}", msg); }
        @Override public void debug(String format, Object arg) { Logger.debug("netty: " + format, arg); }
        @Override public void debug(String format, Object a, Object b) { Logger.debug("netty: " + format, a, b); }
        @Override public void debug(String format, Object... args) { Logger.debug("netty: " + format, args); }
        @Override public void debug(String msg, Throwable t) { Logger.debug(t, "netty: {}", msg); }

        @Override public boolean isInfoEnabled() { return Logger.isInfoEnabled(); }
        @Override public void info(String msg) { Logger.info("netty: {}", msg); }
        @Override public void info(String format, Object arg) { Logger.info("netty: " + format, arg); }
        @Override public void info(String format, Object a, Object b) { Logger.info("netty: " + format, a, b); }
        @Override public void info(String format, Object... args) { Logger.info("netty: " + format, args); }
        @Override public void info(String msg, Throwable t) { Logger.info(t, "netty: {}", msg); }

        @Override public boolean isWarnEnabled() { return Logger.isWarnEnabled(); }
        @Override public void warn(String msg) { Logger.warn("netty: {}", msg); }
        @Override public void warn(String format, Object arg) { Logger.warn("netty: " + format, arg); }
        @Override public void warn(String format, Object a, Object b) { Logger.warn("netty: " + format, a, b); }
        @Override public void warn(String format, Object... args) { Logger.warn("netty: " + format, args); }
        @Override public void warn(String msg, Throwable t) { Logger.warn(t, "netty: {}", msg); }

        @Override public boolean isErrorEnabled() { return Logger.isErrorEnabled(); }
        @Override public void error(String msg) { Logger.error("netty: {}", msg); }
        @Override public void error(String format, Object arg) { Logger.error("netty: " + format, arg); }
        @Override public void error(String format, Object a, Object b) { Logger.error("netty: " + format, a, b); }
        @Override public void error(String format, Object... args) { Logger.error("netty: " + format, args); }
        @Override public void error(String msg, Throwable t) { Logger.error(t, "netty: {}", msg); }
    }
}
