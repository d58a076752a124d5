package io.edgelb.model.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * A PEM private key as the JDK reads it: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519), and
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}), which is wrapped in a PKCS#8 envelope (a fixed
 * prefix: the rsaEncryption algorithm identifier). SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) and
 * encrypted keys are refused with the openssl command that converts them.
 */
final class PrivateKeys {
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    private PrivateKeys() {
    }

    static boolean isKey(String label) {
        return label.endsWith("PRIVATE KEY");
    }

    static PrivateKey read(Pem block) {
        return switch (block.label()) {
            case "PRIVATE KEY" -> pkcs8(block.der());
            case "RSA PRIVATE KEY" -> pkcs8(rsaPkcs1ToPkcs8(block.der()));
            case "EC PRIVATE KEY" -> throw new IllegalArgumentException("EC PRIVATE KEY (SEC1) is not read; " + CONVERT);
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                    "the private key is encrypted; the agent needs an unencrypted PKCS#8 key: " + CONVERT);
            default -> throw new IllegalArgumentException(block.label() + " is not a private key format the agent"
                    + " reads (PKCS#8 PRIVATE KEY or RSA PRIVATE KEY)");
        };
    }

    private static PrivateKey pkcs8(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // the next algorithm: PKCS8EncodedKeySpec names it only since JDK 9's getAlgorithm, not reliably
            }
        }
        throw new IllegalArgumentException("the private key cannot be read (not an RSA, EC or Ed25519 PKCS#8 key)");
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING pkcs1 }. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x02);
        body.write(0x01);
        body.write(0x00);
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
}
