package io.edgelb.model.tls;

import io.edgelb.model.Config;
import io.edgelb.model.Kind;
import io.edgelb.model.Listener;
import io.edgelb.model.Problem;
import io.edgelb.model.TlsSettings;
import io.edgelb.model.io.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The router's view of the TERMINATED_HTTPS files: each exists, is readable and parses, the keys
 * match their certificates; a key file readable by group or others is a warning. Run by
 * {@code edgelb check} and at every reload, before the snapshot reaches the reconciler, so a bad
 * file refuses the reload with the FILE:LINE of the option that names it.
 */
public final class TlsFileCheck implements Function<Config, List<Problem>> {
    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);

    @Override
    public List<Problem> apply(Config config) {
        List<Problem> problems = new ArrayList<>();
        for (Listener l : config.listeners().values()) {
            if (l.enabled() && l.isTls()) {
                check(l, problems);
            }
        }
        return problems;
    }

    private static void check(Listener l, List<Problem> problems) {
        TlsSettings tls = l.tls();
        if (tls.certificate() != null) {
            keyFile(l, "certificate", tls.certificate(), problems);
        }
        for (String sni : tls.sniCertificates()) {
            KeyAndChain read = keyFile(l, "sni_certificate", sni, problems);
            if (read != null && read.dnsNames().isEmpty()) {
                problems.add(Problem.error(Kind.LISTENER, l.id(), "sni_certificate", "sni_certificate "
                        + shown(sni) + ": the certificate has no SAN DNS name to be chosen by"));
            }
        }
        if (tls.clientCa() != null) {
            file(l, "client_ca", tls.clientCa(), problems, KeyAndChain::certificates);
        }
        if (tls.clientCrl() != null) {
            file(l, "client_crl", tls.clientCrl(), problems, KeyAndChain::crls);
        }
    }

    private static KeyAndChain keyFile(Listener l, String field, String path, List<Problem> problems) {
        KeyAndChain read = file(l, field, path, problems, KeyAndChain::read);
        if (read != null) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(Path.of(path));
                if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
                    problems.add(Problem.warning(Kind.LISTENER, l.id(), field, field + " " + shown(path)
                            + " holds a private key and is readable by group or others; make it root-only"
                            + " (chmod 600)"));
                }
            } catch (IOException | UnsupportedOperationException e) {
                // no POSIX permissions to judge (not a router file system)
            }
        }
        return read;
    }

    private interface Reader<T> {
        T read(Path file) throws IOException;
    }

    private static <T> T file(Listener l, String field, String path, List<Problem> problems, Reader<T> reader) {
        if (!path.startsWith("/")) {
            return null; // TlsRules said so already
        }
        String why;
        try {
            return reader.read(Path.of(path));
        } catch (NoSuchFileException e) {
            why = "no such file";
        } catch (IOException e) {
            why = "cannot read: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        } catch (RuntimeException e) {
            why = "cannot be parsed (" + e.getClass().getSimpleName() + ")";
        }
        problems.add(Problem.error(Kind.LISTENER, l.id(), field, field + " " + shown(path) + ": "
                + Printable.line(String.valueOf(why), Printable.MAX_LINE_CHARS)));
        return null;
    }

    private static String shown(String path) {
        return "'" + Printable.escape(path) + "'";
    }
}
