package io.edgelb.uci.system;

import io.edgelb.model.VrrpInstance;
import java.util.List;

/**
 * Hands the VRRP instances to keepalived the way the system expects: OpenWrt's UCI file
 * ({@link KeepalivedUciWriter}) or an include of keepalived.conf ({@link KeepalivedConfWriter}).
 * Applying the same instances twice writes and reloads nothing. Only edgelb's own part is ever touched.
 */
public interface KeepalivedWriter {
    /** {@code uci} or {@code conf}. */
    String name();

    /** Makes edgelb's part of keepalived's configuration exactly these (enabled) instances, then reloads it. */
    void apply(List<VrrpInstance> instances, VrrpHealthFiles health) throws SystemCommandException;

    /**
     * keepalived's names: one vrrp_instance and one vrrp_script per edgelb instance. They are UCI
     * section names on OpenWrt, which cannot hold '-': a hub-delivered instance ({@code hub-<id>})
     * becomes {@code edgelbhub_<id with _>}, which no local section name ({@code edgelb_NAME}) can be.
     */
    static String instanceName(VrrpInstance vrrp) {
        String id = vrrp.id();
        return id.startsWith("hub-") ? "edgelbhub_" + id.substring(4).replaceAll("[^A-Za-z0-9_]", "_")
                : "edgelb_" + id;
    }

    /** Seconds as keepalived reads them: {@code 1}, {@code 0.25}. */
    static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000)
                : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }
}
