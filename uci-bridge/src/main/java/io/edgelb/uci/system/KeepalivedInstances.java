package io.edgelb.uci.system;

import io.edgelb.model.IpLiteral;
import io.edgelb.model.Vip;
import io.edgelb.model.VrrpInstance;
import java.util.ArrayList;
import java.util.List;

/**
 * The keepalived settings both writers derive from one {@code config vrrp} section, so that the UCI
 * and the keepalived.conf forms cannot drift apart. Every value was validated (VrrpRules): none can
 * hold a blank, quote, brace or comment character.
 */
final class KeepalivedInstances {
    /** keepalived runs the check every second and gives up the VIP after two failures in a row. */
    static final int CHECK_INTERVAL_S = 1;
    static final int CHECK_FALL = 2;
    static final int CHECK_RISE = 1;

    private KeepalivedInstances() {
    }

    /**
     * VRRP advertises one address family, the first VIP's: those VIPs go in
     * {@code virtual_ipaddress}; the other family's in {@code virtual_ipaddress_excluded} (moved with
     * the instance, not advertised).
     */
    static List<Vip> advertised(VrrpInstance vrrp) {
        return split(vrrp, true);
    }

    static List<Vip> excluded(VrrpInstance vrrp) {
        return split(vrrp, false);
    }

    private static List<Vip> split(VrrpInstance vrrp, boolean sameFamilyAsFirst) {
        List<Vip> result = new ArrayList<>();
        Class<?> family = null;
        for (Vip vip : vrrp.parsedVips()) {
            if (family == null) {
                family = vip.address().getClass();
            }
            if ((vip.address().getClass() == family) == sameFamilyAsFirst) {
                result.add(vip);
            }
        }
        return result;
    }

    static List<String> peers(VrrpInstance vrrp) {
        return vrrp.unicastPeers().stream().map(p -> IpLiteral.format(IpLiteral.parse(p))).toList();
    }

    static String sourceIp(VrrpInstance vrrp) {
        return vrrp.unicastSrcIp() == null ? null : IpLiteral.format(IpLiteral.parse(vrrp.unicastSrcIp()));
    }
}
