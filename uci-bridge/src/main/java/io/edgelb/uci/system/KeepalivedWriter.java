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

    /** keepalived's names: one vrrp_instance and one vrrp_script per edgelb section. */
    static String instanceName(VrrpInstance vrrp) {
        return "edgelb_" + vrrp.id();
    }

    /** Seconds as keepalived reads them: {@code 1}, {@code 0.25}. */
    static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000)
                : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }
}
