package io.edgelb.model;

/** The kinds of configuration object, named as their UCI section types. */
public enum Kind {
    AGENT("agent"),
    HUB("hub"),
    LISTENER("listener"),
    POOL("pool"),
    MEMBER("member"),
    HEALTHMONITOR("healthmonitor"),
    VXLAN("vxlan"),
    VRRP("vrrp"),
    L7POLICY("l7policy"),
    L7RULE("l7rule");

    private final String uciType;

    Kind(String uciType) {
        this.uciType = uciType;
    }

    public String uciType() {
        return uciType;
    }

    public static Kind fromUciType(String type) {
        for (Kind kind : values()) {
            if (kind.uciType.equals(type)) {
                return kind;
            }
        }
        return null;
    }
}
