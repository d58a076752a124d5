package io.edgelb.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate for TLS test servers, made once per test JVM by the JDK's own
 * keytool (netty's SelfSignedCertificate needs BouncyCastle or JDK internals that newer JDKs lack).
 */
public final class TestCertificate {
    private static final char[] PASSWORD = "edgelb-test".toCharArray();
    private static SSLContext serverContext;

    private TestCertificate() {
    }

    /** A TLS server context holding the certificate (CN and SAN localhost, 127.0.0.1, ::1). */
    public static synchronized SSLContext serverContext() {
        if (serverContext == null) {
            try {
                serverContext = create();
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the test certificate", e);
            }
        }
        return serverContext;
    }

    private static SSLContext create() throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("edgelb-test-cert");
        try {
            Path store = dir.resolve("server.p12");
            Path log = dir.resolve("keytool.log");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1", "-validity", "3650",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool failed: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, PASSWORD);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
