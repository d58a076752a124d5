package io.edgelb.model;

/** The kind of active health check (Octavia's healthmonitor type). */
public enum MonitorType {
    TCP("TCP"),
    HTTP("HTTP"),
    HTTPS("HTTPS"),
    TLS_HELLO("TLS-HELLO");

    private final String octaviaName;

    MonitorType(String octaviaName) {
        this.octaviaName = octaviaName;
    }

    public String octaviaName() {
        return octaviaName;
    }

    public boolean isHttp() {
        return this == HTTP || this == HTTPS;
    }

    public static MonitorType parse(String text) {
        for (MonitorType type : values()) {
            if (type.octaviaName.equals(text)) {
                return type;
            }
        }
        if ("PING".equals(text) || "UDP-CONNECT".equals(text) || "SCTP".equals(text)) {
            throw new IllegalArgumentException("type '" + text
                    + "' is not supported by edgelb (a Java agent cannot send ICMP or check UDP/SCTP without"
                    + " root raw sockets); use TCP");
        }
        throw new IllegalArgumentException("type '" + text + "' is unknown (expected TCP, HTTP, HTTPS or TLS-HELLO)");
    }
}
