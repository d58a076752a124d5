package io.edgelb.agent.http.l7;

/** The parts of a request target the rules and redirects use; the target is the client's, hostile. */
final class RequestTarget {
    private RequestTarget() {
    }

    /** The path and query: the target itself, or for an absolute-form target what follows its authority. */
    static String pathAndQuery(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return "/"; // "*" (OPTIONS) or garbage: nothing of it goes into a Location header
        }
        int slash = uri.indexOf('/', scheme + 3);
        int query = uri.indexOf('?', scheme + 3);
        if (slash < 0 || (query >= 0 && query < slash)) {
            return query < 0 ? "/" : "/" + uri.substring(query);
        }
        return uri.substring(slash);
    }

    /**
     * The path and query fit for a Location header: what is not printable ASCII (the decoder reads
     * the request line byte per char) is percent-encoded, so a client cannot break the header.
     */
    static String forLocation(String uri) {
        String target = pathAndQuery(uri);
        StringBuilder out = null;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            boolean plain = c > 0x20 && c < 0x7f;
            if (!plain && out == null) {
                out = new StringBuilder(target.length() + 16).append(target, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return out == null ? target : out.toString();
    }

    static String path(String uri) {
        String target = pathAndQuery(uri);
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** What follows the last '.' of the last segment, or "" when it has none. */
    static String fileType(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash ? path.substring(dot + 1) : "";
    }
}
