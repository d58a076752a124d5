package io.edgelb.uci.system;

import io.edgelb.model.VxlanLink;
import java.util.List;

/**
 * Makes the system's VXLAN links exactly the given ones: creates or corrects each, removes the links
 * edgelb created earlier that are no longer wanted, and never touches a link it did not create.
 * Applying the same list twice changes nothing. Two implementations: netifd (OpenWrt) and iproute2.
 */
public interface VxlanApplier {
    /** {@code netifd} or {@code iproute2}. */
    String name();

    /** Brings the system to exactly these (enabled) links; throws with the failing command. */
    void apply(List<VxlanLink> links) throws SystemCommandException;
}
