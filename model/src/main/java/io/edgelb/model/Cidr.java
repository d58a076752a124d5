package io.edgelb.model;

import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 network (address/prefix) that can tell whether an address lies inside it. */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a bare address (a host route). Host bits
     * set below the prefix are an error: {@code 192.0.2.1/24} almost always hides a typo.
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = IpLiteral.tryParse(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR (address/prefix)");
        }
        byte[] bytes = address.getAddress();
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = text.substring(slash + 1);
            if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + " > " + maxPrefix);
            }
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean "
                    + canonical(masked, prefix) + "?)");
        }
        return new Cidr(masked, prefix, canonical(masked, prefix));
    }

    /** True when the address lies inside; IPv4-mapped IPv6 client addresses match IPv4 networks. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && network.length == 4 && isV4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(bytes, prefix), network);
    }

    public int prefix() {
        return prefix;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    private static String canonical(byte[] network, int prefix) {
        try {
            return IpLiteral.format(InetAddress.getByAddress(network)) + "/" + prefix;
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
