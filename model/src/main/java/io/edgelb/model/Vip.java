package io.edgelb.model;

import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code list vip} value of a {@code config vrrp} section: {@code ADDRESS[/PREFIX] [dev DEVICE]}.
 * Without {@code dev} the VIP lives on the instance's device; with it on another one, e.g. the
 * members' gateway address on the inside that must move with the outside VIP (dnat listeners).
 * {@code prefix} is -1 when none was written (keepalived then adds a host address).
 */
public record Vip(InetAddress address, int prefix, String device) {
    /** OpenWrt's keepalived init labels a VIP on a named device {@code DEVICE:vip}: at most 15 characters. */
    public static final int MAX_DEVICE = 11;
    private static final Pattern SYNTAX = Pattern.compile("([0-9A-Fa-f:.]+)(?:/(\\d{1,3}))?(?: dev ([A-Za-z0-9_.-]{1,"
            + MAX_DEVICE + "}))?");

    /** The VIP, or null when the text is not {@code ADDRESS[/PREFIX] [dev DEVICE]} with a valid prefix. */
    public static Vip parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return null;
        }
        InetAddress address = IpLiteral.tryParse(m.group(1));
        if (address == null) {
            return null;
        }
        int prefix = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
        if (prefix > address.getAddress().length * 8) {
            return null;
        }
        return new Vip(address, prefix, m.group(3));
    }

    /** As keepalived.conf writes it: {@code 203.0.113.254/24 dev eth2}. */
    public String keepalivedText() {
        return addressText() + (device == null ? "" : " dev " + device);
    }

    /** The address and prefix only: {@code 203.0.113.254/24}. */
    public String addressText() {
        return IpLiteral.format(address) + (prefix < 0 ? "" : "/" + prefix);
    }
}
