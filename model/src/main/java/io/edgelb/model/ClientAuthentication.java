package io.edgelb.model;

/** Whether a TERMINATED_HTTPS listener asks its clients for a certificate, in Octavia's names. */
public enum ClientAuthentication {
    NONE,
    OPTIONAL,
    MANDATORY;

    public static ClientAuthentication parse(String text) {
        return Enums.parse(ClientAuthentication.class, text, "client_authentication");
    }
}
