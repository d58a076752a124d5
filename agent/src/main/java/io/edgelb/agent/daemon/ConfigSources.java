package io.edgelb.agent.daemon;

import io.edgelb.model.Config;
import io.edgelb.model.Problem;
import io.edgelb.model.io.Printable;
import io.edgelb.model.tls.TlsFileCheck;
import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.VrrpHostCheck;
import io.edgelb.uci.edgelb.EdgelbConfigLoader;
import io.edgelb.uci.edgelb.LoadResult;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The agent's configuration sources: a UCI file (/etc/config/edgelb) or UCI text (the embedded demo). */
public final class ConfigSources {
    private ConfigSources() {
    }

    /**
     * Reads the file anew at every load, so a reload sees the operator's edits; the router's own checks
     * (VRRP: keepalived installed, VIPs in their device's subnet; TERMINATED_HTTPS: the certificate
     * files exist, parse and match their keys) apply too.
     */
    public static ConfigSource file(Path path) {
        VrrpHostCheck vrrp = new VrrpHostCheck(new ProcessCommandRunner(5_000));
        TlsFileCheck tls = new TlsFileCheck();
        return file(path, config -> {
            List<Problem> problems = new java.util.ArrayList<>(vrrp.apply(config));
            problems.addAll(tls.apply(config));
            return problems;
        });
    }

    public static ConfigSource file(Path path, Function<Config, List<Problem>> hostCheck) {
        return new ConfigSource() {
            @Override
            public String describe() {
                return path.toString();
            }

            @Override
            public Loaded load() {
                try {
                    return loaded(EdgelbConfigLoader.load(path, hostCheck));
                } catch (NoSuchFileException e) {
                    return failed(Printable.escape(path.toString()) + ": no such file");
                } catch (IOException e) {
                    // BoundedFile's messages name the file already (too large, not a regular file)
                    String why = Printable.line(String.valueOf(e.getMessage()), Printable.MAX_LINE_CHARS);
                    return failed(why.startsWith(Printable.escape(path.toString())) ? why
                            : Printable.escape(path.toString()) + ": cannot read: " + why);
                }
            }
        };
    }

    public static ConfigSource text(String name, String text) {
        return new ConfigSource() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public Loaded load() {
                return loaded(EdgelbConfigLoader.load(name, text));
            }
        };
    }

    private static ConfigSource.Loaded loaded(LoadResult result) {
        return new ConfigSource.Loaded(result.config(), result.errors(), result.warnings(), result.messages());
    }

    private static ConfigSource.Loaded failed(String message) {
        return new ConfigSource.Loaded(null, List.of(message), List.of(), List.of(message));
    }
}
