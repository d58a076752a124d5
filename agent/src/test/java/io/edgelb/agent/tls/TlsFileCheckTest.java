package io.edgelb.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.testing.TestCertificates;
import io.edgelb.model.tls.KeyAndChain;
import io.edgelb.model.tls.TlsFileCheck;
import io.edgelb.uci.edgelb.EdgelbConfigLoader;
import io.edgelb.uci.edgelb.LoadResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's check of TERMINATED_HTTPS files, as `edgelb check` and a reload run it: FILE:LINE errors. */
class TlsFileCheckTest {
    private static final String FILE = "/etc/config/edgelb";
    @TempDir
    Path dir;

    private LoadResult load(String certificate, String sni) {
        String text = """
                config listener 'web'
                \toption protocol 'TERMINATED_HTTPS'
                \toption port '443'
                \toption pool 'http'
                \toption certificate '%s'
                \tlist sni_certificate '%s'

                config pool 'http'
                \toption protocol 'HTTP'
                """.formatted(certificate, sni);
        return EdgelbConfigLoader.load(FILE, text.getBytes(StandardCharsets.UTF_8), new TlsFileCheck());
    }

    @Test
    void missingGarbageAndMismatchedFilesAreErrorsOnTheLineThatNamesThem() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        Path good = certs.server("good", "good.test", "good.test");
        certs.server("other", "other.test", "other.test");
        LoadResult fine = load(good.toString(), good.toString());
        assertTrue(fine.ok(), String.valueOf(fine.messages()));

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "hello\n");
        Path mismatched = dir.resolve("mismatched.pem");
        Files.writeString(mismatched, Files.readString(certs.cert("good")) + Files.readString(certs.key("other")));
        LoadResult missing = load(dir.resolve("missing.pem").toString(), garbage.toString());
        assertFalse(missing.ok());
        assertEquals(List.of(
                FILE + ":5: listener 'web': certificate '" + dir.resolve("missing.pem") + "': no such file",
                FILE + ":6: listener 'web': sni_certificate '" + garbage + "': no CERTIFICATE block (expected a PEM"
                        + " certificate chain and its key)"), missing.errors());
        LoadResult wrongKey = load(mismatched.toString(), good.toString());
        assertEquals(List.of(FILE + ":5: listener 'web': certificate '" + mismatched + "': the private key does not"
                + " match the first certificate (CN=good.test)"), wrongKey.errors());
    }

    @Test
    void aKeyReadableByOthersIsAWarning() throws Exception {
        Path good = new TestCertificates(dir).server("good", "good.test", "good.test");
        Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("rw-r--r--"));
        LoadResult result = load(good.toString(), good.toString());
        assertTrue(result.ok());
        assertTrue(result.warnings().contains(FILE + ":5: warning: listener 'web': certificate '" + good + "' holds a"
                + " private key and is readable by group or others; make it root-only (chmod 600)"),
                String.valueOf(result.warnings()));
    }

    @Test
    void readsPkcs1RsaKeysAndRefusesSec1EcKeysWithTheCommandThatConverts() throws Exception {
        new TestCertificates(dir).server("ec", "ec.test", "ec.test");
        Path rsaKey = dir.resolve("rsa.key");
        Path rsaCert = dir.resolve("rsa.crt");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsaKey.toString(), "-out",
                rsaCert.toString(), "-subj", "/CN=rsa.test", "-addext", "subjectAltName=DNS:rsa.test", "-days", "2");
        Path pkcs1 = dir.resolve("rsa1.key");
        run("openssl", "rsa", "-in", rsaKey.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
        Path rsaPem = dir.resolve("rsa.pem");
        Files.writeString(rsaPem, Files.readString(rsaCert) + Files.readString(pkcs1));
        assertEquals("RSA", KeyAndChain.read(rsaPem).key().getAlgorithm());

        Path sec1 = dir.resolve("ec1.key");
        run("openssl", "ec", "-in", dir.resolve("ec.key").toString(), "-out", sec1.toString());
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
        Path ecPem = dir.resolve("ec1.pem");
        Files.writeString(ecPem, Files.readString(dir.resolve("ec.crt")) + Files.readString(sec1));
        LoadResult result = load(ecPem.toString(), rsaPem.toString());
        assertEquals(List.of(FILE + ":5: listener 'web': certificate '" + ecPem + "': EC PRIVATE KEY (SEC1) is not"
                + " read; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8"), result.errors());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command));
    }
}
