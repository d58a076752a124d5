package io.edgelb.uci.system;

import io.edgelb.model.Cidr;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.LbAlgorithm;
import java.util.List;
import java.util.Map;

/**
 * Writes the nftables text of edgelb's own table, {@code table inet edgelb}: one map per dnat listener
 * from slot number to member address and port, a {@code dstnat} chain that picks a slot
 * ({@code numgen inc} for round robin, {@code jhash} of the source for SOURCE_IP and SOURCE_IP_PORT)
 * and a {@code srcnat} chain that masquerades the listeners that ask for it.
 *
 * <p>The table is replaced in one transaction: the file first adds the table (a no-op if it exists),
 * deletes it and declares it again, and {@code nft -f} applies all of it or nothing. Health changes
 * only delete and add map elements. Translated connections get a conntrack mark
 * ({@link #MARK} under {@link #MARK_MASK}; the low 16 bits, which mwan3 and others use, are kept) so
 * that fw4's forward chain can accept them with the include this package installs.
 */
public final class NftRuleset {
    public static final String FAMILY = "inet";
    public static final String TABLE = "edgelb";
    public static final long MARK = 0x4c420000L;
    public static final long MARK_MASK = 0xffff0000L;
    /** Before fw4's dstnat (-100): same-priority chains of two tables run in no defined order. */
    static final String DSTNAT_PRIORITY = "dstnat - 5";
    static final String SRCNAT_PRIORITY = "srcnat - 5";
    /** jhash needs a seed; a fixed one keeps a client on its member across agent restarts. */
    static final String SEED = "0x4c42";

    private NftRuleset() {
    }

    /** The whole file that replaces the table. With no listeners it only deletes the table. */
    public static String render(List<DnatListener> listeners, Map<String, SlotTable> slots) {
        StringBuilder out = new StringBuilder();
        out.append("# edgelb DNAT fast path; written by the agent, reloaded after a firewall restart.\n");
        out.append("table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        out.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        if (listeners.isEmpty()) {
            return out.toString();
        }
        out.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        for (DnatListener l : listeners) {
            SlotTable table = slots.get(l.id());
            out.append("\tmap ").append(mapName(l)).append(" {\n");
            out.append("\t\ttypeof numgen inc mod ").append(table.size()).append(" : ")
                    .append(ipKeyword(l)).append(" daddr . tcp dport\n");
            String elements = elements(l, table);
            if (!elements.isEmpty()) {
                out.append("\t\telements = { ").append(elements).append(" }\n");
            }
            out.append("\t}\n\n");
        }
        out.append("\tchain dstnat {\n");
        out.append("\t\ttype nat hook prerouting priority ").append(DSTNAT_PRIORITY).append("; policy accept;\n");
        for (DnatListener l : listeners) {
            out.append("\t\t").append(dnatRule(l, slots.get(l.id()).size())).append('\n');
        }
        out.append("\t}\n");
        if (listeners.stream().anyMatch(DnatListener::snat)) {
            out.append("\n\tchain srcnat {\n");
            out.append("\t\ttype nat hook postrouting priority ").append(SRCNAT_PRIORITY).append("; policy accept;\n");
            for (DnatListener l : listeners) {
                if (l.snat()) {
                    out.append("\t\tct status dnat ct original ").append(ipKeyword(l)).append(" daddr ")
                            .append(IpLiteral.format(l.address())).append(" meta l4proto tcp ct original proto-dst ")
                            .append(l.port()).append(" counter masquerade comment \"").append(l.id()).append("\"\n");
                }
            }
            out.append("\t}\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** The commands that turn one listener's map from {@code before} into {@code after}, for {@code nft -f -}. */
    public static String elementUpdate(DnatListener l, SlotTable before, SlotTable after) {
        StringBuilder deletes = new StringBuilder();
        StringBuilder adds = new StringBuilder();
        for (int slot : before.changedSlots(after)) {
            if (before.owner(slot) != null) {
                append(deletes, Integer.toString(slot));
            }
            if (after.owner(slot) != null) {
                append(adds, element(l, slot, after.owner(slot)));
            }
        }
        String map = FAMILY + " " + TABLE + " " + mapName(l);
        StringBuilder out = new StringBuilder();
        if (deletes.length() > 0) {
            out.append("delete element ").append(map).append(" { ").append(deletes).append(" }\n");
        }
        if (adds.length() > 0) {
            out.append("add element ").append(map).append(" { ").append(adds).append(" }\n");
        }
        return out.toString();
    }

    static String dnatRule(DnatListener l, int slots) {
        String ip = ipKeyword(l);
        StringBuilder rule = new StringBuilder();
        rule.append(ip).append(" daddr ").append(IpLiteral.format(l.address())).append(" tcp dport ").append(l.port());
        if (!l.allowedCidrs().isEmpty()) {
            rule.append(' ').append(ip).append(" saddr { ");
            List<Cidr> cidrs = l.allowedCidrs();
            for (int i = 0; i < cidrs.size(); i++) {
                rule.append(i == 0 ? "" : ", ").append(cidrs.get(i));
            }
            rule.append(" }");
        }
        rule.append(String.format(" ct mark set ct mark and 0x%08x or 0x%08x", ~MARK_MASK & 0xffffffffL, MARK));
        rule.append(" counter dnat ").append(ip).append(" to ").append(selector(l, slots))
                .append(" map @").append(mapName(l)).append(" comment \"").append(l.id()).append('"');
        return rule.toString();
    }

    private static String selector(DnatListener l, int slots) {
        String ip = ipKeyword(l);
        return switch (l.algorithm()) {
            case SOURCE_IP -> "jhash " + ip + " saddr mod " + slots + " seed " + SEED;
            case SOURCE_IP_PORT -> "jhash " + ip + " saddr . tcp sport mod " + slots + " seed " + SEED;
            default -> "numgen inc mod " + slots;
        };
    }

    /** nft's name for the map of a listener: listener ids are UCI names, which may start with a digit. */
    public static String mapName(DnatListener l) {
        return "l_" + l.id();
    }

    private static String elements(DnatListener l, SlotTable table) {
        StringBuilder out = new StringBuilder();
        for (int slot = 0; slot < table.size(); slot++) {
            if (table.owner(slot) != null) {
                append(out, element(l, slot, table.owner(slot)));
            }
        }
        return out.toString();
    }

    private static String element(DnatListener l, int slot, DnatMember m) {
        return slot + " : " + IpLiteral.format(m.address()) + " . " + m.port();
    }

    private static void append(StringBuilder list, String item) {
        if (list.length() > 0) {
            list.append(", ");
        }
        list.append(item);
    }

    private static String ipKeyword(DnatListener l) {
        return l.isIpv4() ? "ip" : "ip6";
    }

    static boolean isRoundRobin(LbAlgorithm algorithm) {
        return algorithm != LbAlgorithm.SOURCE_IP && algorithm != LbAlgorithm.SOURCE_IP_PORT;
    }
}
