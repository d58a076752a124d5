package io.edgelb.agent.testing;

import io.edgelb.model.tls.KeyAndChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Certificates made with openssl into a test's temp dir (EC P-256: fast to generate), and TLS clients. */
public final class TestCertificates {
    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A self-signed certificate with these SAN DNS names, chain and PKCS#8 key in one file, mode 600. */
    public Path server(String name, String cn, String... dnsNames) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=" + cn, "-days", "2"));
        if (dnsNames.length > 0) {
            command.add("-addext");
            command.add("subjectAltName=" + String.join(",", java.util.Arrays.stream(dnsNames).map(d -> "DNS:" + d)
                    .toList()));
        }
        run(command);
        return combine(name, cert, key);
    }

    /** A CA (cert and key files), to sign client certificates. */
    public Path ca(String name) throws Exception {
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-subj", "/CN=" + name, "-days", "2"));
        return dir.resolve(name + ".crt");
    }

    /** A client certificate signed by the CA {@link #ca} made, chain and key in one file. */
    public Path client(String name, String caName) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name));
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(caName + ".crt").toString(),
                "-CAkey", dir.resolve(caName + ".key").toString(), "-CAcreateserial", "-out", cert.toString(),
                "-days", "2"));
        return combine(name, cert, key);
    }

    private Path combine(String name, Path cert, Path key) throws IOException {
        Path pem = dir.resolve(name + ".pem");
        Files.write(pem, (Files.readString(cert) + Files.readString(key)).getBytes());
        Files.setPosixFilePermissions(pem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return pem;
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(output));
        }
    }

    /**
     * A TLS client that trusts any server (the tests look at what it was served), with SNI when
     * given, these protocols, and a client certificate file (chain and key) when given.
     */
    public static SSLSocket connect(int port, String sni, String protocol, Path clientPem) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = null;
        if (clientPem != null) {
            KeyAndChain material = KeyAndChain.read(clientPem);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", material.key(), new char[0],
                    material.chain().toArray(new X509Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
        }
        context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {new TrustAll()}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (protocol != null) {
            parameters.setProtocols(new String[] {protocol});
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** The subject CN of the certificate the server presented (handshakes first). */
    public static String servedCn(SSLSocket socket) throws Exception {
        socket.startHandshake();
        X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        return leaf.getSubjectX500Principal().getName();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
