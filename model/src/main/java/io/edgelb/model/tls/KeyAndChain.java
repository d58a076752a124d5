package io.edgelb.model.tls;

import io.edgelb.model.io.BoundedFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A listener's certificate file: the chain, leaf first, and the leaf's private key, checked to belong
 * together (a signature made with the key verifies with the leaf's public key). The key is held
 * only to hand it to the TLS engine; it is never printed ({@link #toString} leaves it out).
 */
public final class KeyAndChain {
    /** Certificate files are small; a bound keeps a wrong path (a disk image) from filling the heap. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private KeyAndChain(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /** Reads and checks the file; the message of the exception says what is wrong, never the key. */
    public static KeyAndChain read(Path file) throws IOException {
        List<Pem> blocks = Pem.parse(BoundedFile.read(file, MAX_FILE_BYTES));
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        for (Pem block : blocks) {
            if (block.label().equals("CERTIFICATE")) {
                chain.add(certificate(block.der()));
            } else if (PrivateKeys.isKey(block.label())) {
                if (key != null) {
                    throw new IllegalArgumentException("more than one private key");
                }
                key = PrivateKeys.read(block);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no CERTIFICATE block (expected a PEM certificate chain and its key)");
        }
        if (key == null) {
            throw new IllegalArgumentException("no private key block (expected the chain and a PKCS#8 PRIVATE KEY"
                    + " or RSA PRIVATE KEY in the same file)");
        }
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("the private key does not match the first certificate ("
                    + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new KeyAndChain(chain, key);
    }

    /** The certificates of a CA file (client_ca). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        for (Pem block : Pem.parse(BoundedFile.read(file, MAX_FILE_BYTES))) {
            if (block.label().equals("CERTIFICATE")) {
                out.add(certificate(block.der()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no CERTIFICATE block");
        }
        return out;
    }

    /** The CRLs of a client_crl file, PEM ({@code BEGIN X509 CRL}). */
    public static Collection<java.security.cert.CRL> crls(Path file) throws IOException {
        List<java.security.cert.CRL> out = new ArrayList<>();
        for (Pem block : Pem.parse(BoundedFile.read(file, MAX_FILE_BYTES))) {
            if (block.label().equals("X509 CRL")) {
                try {
                    out.add(CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(block.der())));
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("an X509 CRL block cannot be read: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no X509 CRL block");
        }
        return out;
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("a CERTIFICATE block cannot be read: " + e.getMessage());
        }
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())
                && !(algorithm.equals("Ed25519") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey key() {
        return key;
    }

    /** The leaf's SAN DNS names, lower case, as SNI is matched; a leaf without SAN has none. */
    public List<String> dnsNames() {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = chain.get(0).getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    @Override
    public String toString() {
        return "KeyAndChain[" + chain.get(0).getSubjectX500Principal().getName() + ", " + chain.size()
                + " certificate(s)]";
    }
}
