package io.edgelb.model.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The {@code -----BEGIN X-----} blocks of a PEM text, decoded; text between blocks is ignored, as openssl does. */
record Pem(String label, byte[] der) {
    static final int MAX_BLOCKS = 64;

    static List<Pem> parse(byte[] file) {
        String text = new String(file, StandardCharsets.US_ASCII);
        List<Pem> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", from);
            if (begin < 0) {
                return blocks;
            }
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) {
                throw new IllegalArgumentException("a BEGIN line is not closed by -----");
            }
            String label = text.substring(begin + 11, labelEnd);
            String end = "-----END " + label + "-----";
            int endAt = text.indexOf(end, labelEnd + 5);
            if (endAt < 0) {
                throw new IllegalArgumentException("no '" + end + "' after its BEGIN line");
            }
            String body = text.substring(labelEnd + 5, endAt);
            if (body.contains(":")) { // Proc-Type / DEK-Info headers: an OpenSSL-encrypted key
                throw new IllegalArgumentException(label + " is encrypted: the agent needs an unencrypted key");
            }
            try {
                blocks.add(new Pem(label, Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(label + " is not valid base64");
            }
            if (blocks.size() > MAX_BLOCKS) {
                throw new IllegalArgumentException("more than " + MAX_BLOCKS + " PEM blocks");
            }
            from = endAt + end.length();
        }
    }
}
