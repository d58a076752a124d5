package io.edgelb.uci.system;

import io.edgelb.model.Vip;
import io.edgelb.model.VrrpInstance;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciSection;
import java.nio.file.Path;
import java.util.List;

/**
 * VRRP instances the OpenWrt way: sections in {@code /etc/config/keepalived}, from which the
 * {@code keepalived} package's init script generates keepalived.conf, then
 * {@code /etc/init.d/keepalived reload}. Per edgelb section {@code NAME}, named {@code edgelb_NAME...}
 * and each with {@code option name} (the init script finds referenced sections by that option):
 * a {@code vrrp_script} running the agent's check, a {@code track_script} pointing at it, one
 * {@code ipaddress} per VIP, one {@code peer} per unicast peer, and the {@code vrrp_instance} that
 * lists them. The user's own sections (globals, other instances) are never touched
 * ({@link OwnedUciSections}). Threads: control thread only.
 */
public final class KeepalivedUciWriter implements KeepalivedWriter {
    static final String PACKAGE = "keepalived";
    static final String INIT_SCRIPT = "/etc/init.d/keepalived";

    private final CommandRunner runner;
    private final OwnedUciSections owned;

    public KeepalivedUciWriter(CommandRunner runner, Path configDir, Path saveDir) {
        this.runner = runner;
        this.owned = new OwnedUciSections(runner, configDir, saveDir, PACKAGE,
                "rename the vrrp section in /etc/config/edgelb");
    }

    @Override
    public String name() {
        return "uci";
    }

    @Override
    public void apply(List<VrrpInstance> instances, VrrpHealthFiles health) throws SystemCommandException {
        if (owned.apply(sections(instances, health)) && runner.available(INIT_SCRIPT)) {
            runner.run(List.of(INIT_SCRIPT, "reload"));
        }
    }

    /** The sections edgelb wants in the keepalived package, referenced ones before their users. */
    static UciPackage sections(List<VrrpInstance> instances, VrrpHealthFiles health) {
        UciPackage pkg = new UciPackage();
        for (VrrpInstance vrrp : instances) {
            String name = KeepalivedWriter.instanceName(vrrp);
            UciSection script = named(pkg, "vrrp_script", name + "_check", vrrp);
            script.set("script", health.checkCommand(vrrp.id()));
            script.set("interval", Integer.toString(KeepalivedInstances.CHECK_INTERVAL_S));
            script.set("fall", Integer.toString(KeepalivedInstances.CHECK_FALL));
            script.set("rise", Integer.toString(KeepalivedInstances.CHECK_RISE));
            UciSection track = named(pkg, "track_script", name + "_track", vrrp);
            track.set("value", name + "_check");
            List<String> advertised = addresses(pkg, name + "_vip", KeepalivedInstances.advertised(vrrp), vrrp, 1);
            List<String> excluded = addresses(pkg, name + "_vip", KeepalivedInstances.excluded(vrrp), vrrp,
                    advertised.size() + 1);
            List<String> peers = new java.util.ArrayList<>();
            int n = 0;
            for (String address : KeepalivedInstances.peers(vrrp)) {
                UciSection peer = named(pkg, "peer", name + "_peer" + (++n), vrrp);
                peer.set("address", address);
                peers.add(peer.name());
            }
            UciSection instance = named(pkg, "vrrp_instance", name, vrrp);
            instance.set("state", "BACKUP");
            instance.set("interface", vrrp.device());
            instance.set("virtual_router_id", Integer.toString(vrrp.virtualRouterId()));
            instance.set("version", Integer.toString(vrrp.version()));
            instance.set("priority", Integer.toString(vrrp.priority()));
            instance.set("advert_int", KeepalivedWriter.seconds(vrrp.advertIntMs()));
            if (vrrp.nopreempt()) {
                instance.set("nopreempt", "1");
            } else if (vrrp.preemptDelayMs() > 0) {
                instance.set("preempt_delay", Long.toString(vrrp.preemptDelayMs() / 1000));
            }
            if (vrrp.authPass() != null) {
                instance.set("auth_type", "PASS");
                instance.set("auth_pass", vrrp.authPass());
            }
            if (KeepalivedInstances.sourceIp(vrrp) != null) {
                instance.set("unicast_src_ip", KeepalivedInstances.sourceIp(vrrp));
            }
            advertised.forEach(v -> instance.addListValue("virtual_ipaddress", v));
            excluded.forEach(v -> instance.addListValue("virtual_ipaddress_excluded", v));
            instance.addListValue("track_script", track.name());
            peers.forEach(p -> instance.addListValue("unicast_peer", p));
            instance.set(OwnedUciSections.MARKER, vrrp.id());
        }
        return pkg;
    }

    private static List<String> addresses(UciPackage pkg, String prefix, List<Vip> vips, VrrpInstance vrrp,
                                          int first) {
        List<String> names = new java.util.ArrayList<>();
        int n = first;
        for (Vip vip : vips) {
            UciSection address = named(pkg, "ipaddress", prefix + (n++), vrrp);
            address.set("address", vip.addressText());
            if (vip.device() != null) {
                address.set("device", vip.device()); // the init script labels it DEVICE:vip
            }
            names.add(address.name());
        }
        return names;
    }

    /** A section whose name and {@code option name} agree; the marker goes last (the instance's after its lists). */
    private static UciSection named(UciPackage pkg, String type, String name, VrrpInstance vrrp) {
        UciSection section = pkg.addSection(type, name);
        section.set("name", name);
        if (!type.equals("vrrp_instance")) {
            section.set(OwnedUciSections.MARKER, vrrp.id());
        }
        return section;
    }
}
