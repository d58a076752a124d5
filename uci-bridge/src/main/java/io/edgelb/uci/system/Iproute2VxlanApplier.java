package io.edgelb.uci.system;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.VxlanLink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tinylog.Logger;

/**
 * VXLAN links with iproute2, for plain Linux: {@code ip link add NAME type vxlan ...}, the flood and
 * neighbour FDB entries with {@code bridge fdb}, the overlay address with {@code ip addr}, permanent
 * neighbours with {@code ip neigh}. Every link it creates carries the interface alias
 * {@code edgelb:NAME}; only links with that alias are ever changed or deleted.
 *
 * <p>Each run reads what the kernel has ({@code ip -j}) and issues only the commands that differ, so
 * a second run with the same links issues none. A link whose creation parameters differ (VNI, port,
 * local address, underlay device, learning) is deleted and created again: the kernel cannot change
 * them in place.
 */
public final class Iproute2VxlanApplier implements VxlanApplier {
    static final String ALIAS_PREFIX = "edgelb:";

    private final CommandRunner runner;

    public Iproute2VxlanApplier(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String name() {
        return "iproute2";
    }

    @Override
    public void apply(List<VxlanLink> links) throws SystemCommandException {
        Set<String> wanted = new HashSet<>();
        links.forEach(l -> wanted.add(l.id()));
        JsonArray existing = array(runner.run(List.of("ip", "-j", "-d", "link", "show", "type", "vxlan")));
        for (JsonValue value : existing) {
            JsonObject link = value.asObject();
            String name = link.getString("ifname", "");
            if (isOurs(link) && !wanted.contains(name)) {
                runner.run(List.of("ip", "link", "del", "dev", name));
                Logger.info("vxlan link {} removed", name);
            }
        }
        for (VxlanLink link : links) {
            applyLink(link, find(existing, link.id()));
        }
    }

    private void applyLink(VxlanLink want, JsonObject have) throws SystemCommandException {
        String name = want.id();
        if (have == null) {
            // A non-vxlan device of that name is somebody else's; ip link add reports it.
            create(want);
        } else if (!isOurs(have)) {
            throw new SystemCommandException(List.of("ip", "link", "add", name),
                    "a vxlan link named " + name + " exists and edgelb did not create it; rename the vxlan section");
        } else if (!sameParameters(want, have)) {
            runner.run(List.of("ip", "link", "del", "dev", name));
            create(want);
            Logger.info("vxlan link {} re-created with new parameters", name);
        } else if (have.getInt("mtu", 0) != want.mtu()) {
            runner.run(List.of("ip", "link", "set", "dev", name, "mtu", Integer.toString(want.mtu())));
        }
        JsonObject now = find(array(runner.run(List.of("ip", "-j", "-d", "link", "show", "dev", name))),
                name);
        if (now == null || !hasFlag(now, "UP")) {
            runner.run(List.of("ip", "link", "set", "dev", name, "up"));
        }
        applyFdb(want);
        applyAddress(want);
        applyNeighbors(want);
    }

    private void create(VxlanLink link) throws SystemCommandException {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", link.id(), "mtu", Integer.toString(link.mtu()),
                "type", "vxlan", "id", Integer.toString(link.vni()), "dstport", Integer.toString(link.port())));
        if (link.local() != null) {
            add.addAll(List.of("local", IpLiteral.format(IpLiteral.parse(link.local()))));
        }
        if (link.device() != null) {
            add.addAll(List.of("dev", link.device()));
        }
        add.add(link.learning() ? "learning" : "nolearning");
        runner.run(add);
        try {
            runner.run(List.of("ip", "link", "set", "dev", link.id(), "alias", ALIAS_PREFIX + link.id()));
        } catch (SystemCommandException e) {
            // Unmarked, the link would be orphaned: nobody would ever remove it.
            runner.run(List.of("ip", "link", "del", "dev", link.id()));
            throw e;
        }
        Logger.info("vxlan link {} created (vni {}, port {})", link.id(), link.vni(), link.port());
    }

    private static boolean sameParameters(VxlanLink want, JsonObject have) {
        JsonObject data = infoData(have);
        if (data == null) {
            return false;
        }
        String local = data.getString("local", null);
        String wantLocal = want.local() == null ? null : IpLiteral.format(IpLiteral.parse(want.local()));
        if (local == null) {
            local = data.getString("local6", null);
        }
        return data.getInt("id", -1) == want.vni()
                && data.getInt("port", -1) == want.port()
                && data.getBoolean("learning", true) == want.learning()
                && java.util.Objects.equals(local == null ? null : IpLiteral.format(IpLiteral.parse(local)), wantLocal)
                && java.util.Objects.equals(data.getString("link", null), want.device());
    }

    private void applyFdb(VxlanLink link) throws SystemCommandException {
        String name = link.id();
        Set<String> want = new LinkedHashSet<>(VxlanNeighbor.fdbEntries(link));
        Set<String> have = new LinkedHashSet<>();
        for (JsonValue value : array(runner.run(List.of("bridge", "-j", "fdb", "show", "dev", name)))) {
            JsonObject entry = value.asObject();
            String dst = entry.getString("dst", null);
            if (dst != null) {
                have.add(entry.getString("mac", "").toLowerCase(Locale.ROOT) + " " + IpLiteral.format(IpLiteral.parse(dst)));
            }
        }
        for (String entry : have) {
            if (!want.contains(entry)) {
                String[] parts = entry.split(" ");
                runner.run(List.of("bridge", "fdb", "del", parts[0], "dev", name, "dst", parts[1]));
            }
        }
        for (String entry : want) {
            if (!have.contains(entry)) {
                String[] parts = entry.split(" ");
                runner.run(List.of("bridge", "fdb", "append", parts[0], "dev", name, "dst", parts[1]));
            }
        }
    }

    /**
     * Exactly the link's global addresses. IPv6 ones are added with nodad: the overlay address is
     * the router's by configuration, and a tentative address (about a second of DAD) fails the
     * first health checks of IPv6 members, which then flap DOWN and UP.
     */
    private void applyAddress(VxlanLink link) throws SystemCommandException {
        String name = link.id();
        Set<String> want = new LinkedHashSet<>();
        for (String address : link.addresses()) {
            want.add(normalizedCidr(address));
        }
        Set<String> present = new HashSet<>();
        JsonObject dev = find(array(runner.run(List.of("ip", "-j", "addr", "show", "dev", name))), name);
        JsonArray infos = dev == null ? new JsonArray() : dev.get("addr_info") == null ? new JsonArray()
                : dev.get("addr_info").asArray();
        for (JsonValue value : infos) {
            JsonObject info = value.asObject();
            if (!"global".equals(info.getString("scope", ""))) {
                continue; // the kernel's own link-local address
            }
            String have = IpLiteral.format(IpLiteral.parse(info.getString("local", ""))) + "/" + info.getInt("prefixlen", 0);
            if (want.contains(have)) {
                present.add(have);
            } else {
                runner.run(List.of("ip", "addr", "del", have, "dev", name));
            }
        }
        for (String cidr : want) {
            if (!present.contains(cidr)) {
                runner.run(cidr.contains(":") ? List.of("ip", "addr", "add", cidr, "dev", name, "nodad")
                        : List.of("ip", "addr", "add", cidr, "dev", name));
            }
        }
    }

    private void applyNeighbors(VxlanLink link) throws SystemCommandException {
        applyNeighbors(runner, link.id(), VxlanNeighbor.of(link));
    }

    /** Permanent neighbour entries on a device: exactly these. Shared with the netifd applier. */
    static void applyNeighbors(CommandRunner runner, String device, List<VxlanNeighbor> neighbors)
            throws SystemCommandException {
        Set<String> want = new HashSet<>();
        for (VxlanNeighbor n : neighbors) {
            want.add(n.ip() + " " + n.mac());
        }
        Set<String> have = new HashSet<>();
        for (JsonValue value : array(runner.run(List.of("ip", "-j", "neigh", "show", "dev", device,
                "nud", "permanent")))) {
            JsonObject entry = value.asObject();
            String ip = IpLiteral.format(IpLiteral.parse(entry.getString("dst", "")));
            String entryText = ip + " " + entry.getString("lladdr", "").toLowerCase(Locale.ROOT);
            have.add(entryText);
            if (!want.contains(entryText) && neighbors.stream().noneMatch(n -> n.ip().equals(ip))) {
                runner.run(List.of("ip", "neigh", "del", ip, "dev", device));
            }
        }
        for (VxlanNeighbor n : neighbors) {
            if (!have.contains(n.ip() + " " + n.mac())) {
                runner.run(List.of("ip", "neigh", "replace", n.ip(), "lladdr", n.mac(), "dev", device,
                        "nud", "permanent"));
            }
        }
    }

    /** An {@code ip -j} listing; some versions print nothing at all instead of {@code []}. */
    static JsonArray array(String json) {
        return json.isBlank() ? new JsonArray() : Json.parse(json).asArray();
    }

    static String normalizedCidr(String text) {
        int slash = text.indexOf('/');
        return IpLiteral.format(IpLiteral.parse(text.substring(0, slash))) + text.substring(slash);
    }

    private static boolean isOurs(JsonObject link) {
        return link.getString("ifalias", "").startsWith(ALIAS_PREFIX);
    }

    private static boolean hasFlag(JsonObject link, String flag) {
        JsonValue flags = link.get("flags");
        if (flags == null) {
            return false;
        }
        for (JsonValue f : flags.asArray()) {
            if (flag.equals(f.asString())) {
                return true;
            }
        }
        return false;
    }

    private static JsonObject infoData(JsonObject link) {
        JsonValue info = link.get("linkinfo");
        JsonValue data = info == null ? null : info.asObject().get("info_data");
        return data == null ? null : data.asObject();
    }

    private static JsonObject find(JsonArray links, String name) {
        for (JsonValue value : links) {
            if (name.equals(value.asObject().getString("ifname", ""))) {
                return value.asObject();
            }
        }
        return null;
    }
}
