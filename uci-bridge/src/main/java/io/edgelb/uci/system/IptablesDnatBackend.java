package io.edgelb.uci.system;

import io.edgelb.model.IpLiteral;
import io.edgelb.model.LbAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Programs the fast path on fw3 / iptables systems. Per listener: an ipset {@code hash:ip,port} of the
 * members that take connections (it lets the forward accept pass only those), and a nat chain that
 * spreads new connections over them with the {@code statistic} match (nth for round robin, weights by
 * repetition). edgelb's own chains ({@code EDGELB-*}) hang off PREROUTING, POSTROUTING (masquerade)
 * and FORWARD; everything is loaded with {@code iptables-restore --noflush} (one transaction per
 * table) and {@code ipset restore}. A health change rewrites one listener's chain and set only.
 *
 * <p>iptables has no per-source hash usable for DNAT, so SOURCE_IP pools need the nftables backend.
 */
public final class IptablesDnatBackend implements DnatBackend {
    static final String PREROUTING = "EDGELB-PREROUTING";
    static final String POSTROUTING = "EDGELB-POSTROUTING";
    static final String FORWARD = "EDGELB-FORWARD";
    /** Rules in a cascade of nth matches before switching to random probabilities (long chains cost per packet). */
    static final int MAX_NTH_RULES = 32;
    private static final int MAX_CHAIN = 28;
    private static final int MAX_SET = 31;

    private final CommandRunner runner;
    private final Path stateDir;
    /** Chains and sets of the last replace, per family, so a later replace removes what it dropped. */
    private final Map<Boolean, Set<String>> chains = new LinkedHashMap<>();
    private final Set<String> sets = new LinkedHashSet<>();

    public IptablesDnatBackend(CommandRunner runner, Path stateDir) {
        this.runner = runner;
        this.stateDir = stateDir;
    }

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public String unsupported(DnatListener listener) {
        if (listener.algorithm() == LbAlgorithm.SOURCE_IP || listener.algorithm() == LbAlgorithm.SOURCE_IP_PORT) {
            return listener.algorithm() + " needs the nftables backend (jhash); iptables has no per-source hash"
                    + " for DNAT: set the agent's firewall to 'nftables' or use ROUND_ROBIN";
        }
        return null;
    }

    @Override
    public void replace(List<DnatListener> listeners, Map<String, SlotTable> slots) throws SystemCommandException {
        StringBuilder ipset = new StringBuilder();
        Set<String> nextSets = new LinkedHashSet<>();
        for (DnatListener l : listeners) {
            String set = setName(l);
            nextSets.add(set);
            ipset.append("create ").append(set).append(" hash:ip,port family ").append(l.isIpv4() ? "inet" : "inet6")
                    .append(" -exist\nflush ").append(set).append('\n');
            for (DnatMember m : serving(slots.get(l.id()))) {
                ipset.append("add ").append(set).append(' ').append(entry(m)).append(" -exist\n");
            }
        }
        if (ipset.length() > 0) {
            runner.run(List.of("ipset", "restore"), ipset.toString());
        }
        for (boolean v4 : new boolean[] {true, false}) {
            List<DnatListener> family = listeners.stream().filter(l -> l.isIpv4() == v4).toList();
            Set<String> old = chains.getOrDefault(v4, Set.of());
            if (family.isEmpty() && old.isEmpty()) {
                continue;
            }
            String rules = ruleset(family, slots, old);
            runner.run(List.of(v4 ? "iptables-restore" : "ip6tables-restore", "--noflush"), rules);
            save(v4, ruleset(family, slots, Set.of()));
            Set<String> now = new LinkedHashSet<>();
            family.forEach(l -> now.add(chainName(l)));
            chains.put(v4, now);
            if (!family.isEmpty()) {
                ensureJump(v4, "nat", "PREROUTING", PREROUTING);
                ensureJump(v4, "nat", "POSTROUTING", POSTROUTING);
                ensureJump(v4, "filter", "FORWARD", FORWARD);
            }
        }
        for (String set : sets) {
            if (!nextSets.contains(set)) {
                runner.run(List.of("ipset", "destroy", set));
            }
        }
        sets.clear();
        sets.addAll(nextSets);
        write("dnat.ipset", ipset.toString());
    }

    @Override
    public void update(List<DnatListener> changed, Map<String, SlotTable> before, Map<String, SlotTable> after,
                       List<DnatListener> all) throws SystemCommandException {
        for (DnatListener l : changed) {
            Set<DnatMember> was = new LinkedHashSet<>(serving(before.get(l.id())));
            Set<DnatMember> now = new LinkedHashSet<>(serving(after.get(l.id())));
            StringBuilder adds = new StringBuilder();
            StringBuilder dels = new StringBuilder();
            for (DnatMember m : now) {
                if (!was.contains(m)) {
                    adds.append("add ").append(setName(l)).append(' ').append(entry(m)).append(" -exist\n");
                }
            }
            for (DnatMember m : was) {
                if (!now.contains(m)) {
                    dels.append("del ").append(setName(l)).append(' ').append(entry(m)).append(" -exist\n");
                }
            }
            if (adds.length() > 0) {
                runner.run(List.of("ipset", "restore"), adds.toString());
            }
            String chain = "*nat\n:" + chainName(l) + " - [0:0]\n" + memberRules(l, after.get(l.id())) + "COMMIT\n";
            runner.run(List.of(l.isIpv4() ? "iptables-restore" : "ip6tables-restore", "--noflush"), chain);
            if (dels.length() > 0) {
                runner.run(List.of("ipset", "restore"), dels.toString());
            }
        }
        for (boolean v4 : new boolean[] {true, false}) {
            List<DnatListener> family = all.stream().filter(l -> l.isIpv4() == v4).toList();
            if (!family.isEmpty()) {
                save(v4, ruleset(family, after, Set.of()));
            }
        }
    }

    @Override
    public void remove() throws SystemCommandException {
        for (boolean v4 : new boolean[] {true, false}) {
            String iptables = v4 ? "iptables" : "ip6tables";
            if (!runner.available(iptables)) {
                continue;
            }
            removeJump(v4, "nat", "PREROUTING", PREROUTING);
            removeJump(v4, "nat", "POSTROUTING", POSTROUTING);
            removeJump(v4, "filter", "FORWARD", FORWARD);
            for (String table : List.of("nat", "filter")) {
                for (String line : runner.run(List.of(iptables, "-t", table, "-S")).split("\n")) {
                    if (line.startsWith("-N EDGELB-")) {
                        String chain = line.substring(3).trim();
                        runner.run(List.of(iptables, "-t", table, "-F", chain));
                    }
                }
                for (String line : runner.run(List.of(iptables, "-t", table, "-S")).split("\n")) {
                    if (line.startsWith("-N EDGELB-")) {
                        runner.run(List.of(iptables, "-t", table, "-X", line.substring(3).trim()));
                    }
                }
            }
            chains.remove(v4);
        }
        if (runner.available("ipset")) {
            for (String set : runner.run(List.of("ipset", "list", "-n")).split("\n")) {
                if (set.startsWith("edgelb-")) {
                    runner.run(List.of("ipset", "destroy", set.trim()));
                }
            }
        }
        sets.clear();
        for (String file : List.of("dnat.ipset", "dnat.iptables", "dnat.ip6tables")) {
            try {
                Files.deleteIfExists(stateDir.resolve(file));
            } catch (IOException e) {
                throw new SystemCommandException(List.of("rm", stateDir.resolve(file).toString()), e.toString());
            }
        }
    }

    @Override
    public String savedRuleset() {
        return stateDir.resolve("dnat.iptables").toString();
    }

    /** One family's iptables-restore input: edgelb's chains, flushed and refilled; dropped chains deleted. */
    static String ruleset(List<DnatListener> listeners, Map<String, SlotTable> slots, Set<String> dropped) {
        StringBuilder nat = new StringBuilder("*nat\n:" + PREROUTING + " - [0:0]\n:" + POSTROUTING + " - [0:0]\n");
        StringBuilder rules = new StringBuilder();
        Set<String> current = new LinkedHashSet<>();
        for (DnatListener l : listeners) {
            String chain = chainName(l);
            current.add(chain);
            nat.append(':').append(chain).append(" - [0:0]\n");
            String vip = IpLiteral.format(l.address()) + (l.isIpv4() ? "/32" : "/128");
            List<String> sources = l.allowedCidrs().isEmpty() ? List.of("")
                    : l.allowedCidrs().stream().map(c -> " -s " + c).toList();
            for (String source : sources) {
                String match = "-A " + PREROUTING + " -d " + vip + " -p tcp -m tcp --dport " + l.port() + source;
                rules.append(match).append(String.format(" -j CONNMARK --set-xmark 0x%08x/0x%08x%n",
                        NftRuleset.MARK, NftRuleset.MARK_MASK));
                rules.append(match).append(" -j ").append(chain).append('\n');
            }
            rules.append(memberRules(l, slots.get(l.id())));
            if (l.snat()) {
                rules.append("-A ").append(POSTROUTING).append(" -p tcp -m conntrack --ctstate DNAT --ctproto tcp --ctorigdst ")
                        .append(vip).append(" --ctorigdstport ").append(l.port()).append(" -j MASQUERADE\n");
            }
        }
        for (String chain : dropped) {
            if (!current.contains(chain)) {
                nat.append(':').append(chain).append(" - [0:0]\n");
                rules.append("-X ").append(chain).append('\n');
            }
        }
        StringBuilder filter = new StringBuilder("*filter\n:" + FORWARD + " - [0:0]\n");
        for (DnatListener l : listeners) {
            filter.append("-A ").append(FORWARD).append(" -m conntrack --ctstate DNAT -m set --match-set ")
                    .append(setName(l)).append(" dst,dst -j ACCEPT\n");
        }
        return nat.append(rules).append("COMMIT\n").append(filter).append("COMMIT\n").toString();
    }

    /**
     * The listener chain's DNAT rules: each serving member repeated by its share of the slots (reduced),
     * spread with a cascade of nth matches, the last rule taking the rest.
     */
    static String memberRules(DnatListener l, SlotTable table) {
        Map<DnatMember, Integer> shares = new LinkedHashMap<>();
        for (DnatMember m : table.members()) {
            int share = table.shares().getOrDefault(m.id(), 0);
            if (share > 0) {
                shares.put(m, share);
            }
        }
        int divisor = 0;
        for (int share : shares.values()) {
            divisor = gcd(divisor, share);
        }
        final int gcd = Math.max(divisor, 1);
        List<DnatMember> sequence = new ArrayList<>();
        int total = 0;
        for (Map.Entry<DnatMember, Integer> e : shares.entrySet()) {
            total += e.getValue() / gcd;
        }
        String chain = chainName(l);
        StringBuilder out = new StringBuilder();
        if (total <= MAX_NTH_RULES) {
            // Interleave the repetitions: a, b, a, b rather than a, a, b, b.
            Map<DnatMember, Integer> left = new LinkedHashMap<>();
            shares.forEach((m, s) -> left.put(m, s / gcd));
            while (sequence.size() < total) {
                for (Map.Entry<DnatMember, Integer> e : left.entrySet()) {
                    if (e.getValue() > 0) {
                        sequence.add(e.getKey());
                        e.setValue(e.getValue() - 1);
                    }
                }
            }
            for (int i = 0; i < sequence.size(); i++) {
                int remaining = sequence.size() - i;
                out.append("-A ").append(chain).append(" -p tcp");
                if (remaining > 1) {
                    out.append(" -m statistic --mode nth --every ").append(remaining).append(" --packet 0");
                }
                out.append(" -j DNAT --to-destination ").append(destination(sequence.get(i))).append('\n');
            }
        } else {
            int remaining = table.size();
            List<Map.Entry<DnatMember, Integer>> entries = new ArrayList<>(shares.entrySet());
            for (int i = 0; i < entries.size(); i++) {
                out.append("-A ").append(chain).append(" -p tcp");
                if (i < entries.size() - 1) {
                    out.append(String.format(" -m statistic --mode random --probability %.8f",
                            entries.get(i).getValue() / (double) remaining));
                }
                out.append(" -j DNAT --to-destination ").append(destination(entries.get(i).getKey())).append('\n');
                remaining -= entries.get(i).getValue();
            }
        }
        return out.toString();
    }

    private static List<DnatMember> serving(SlotTable table) {
        List<DnatMember> serving = new ArrayList<>();
        for (DnatMember m : table.members()) {
            if (table.shares().getOrDefault(m.id(), 0) > 0) {
                serving.add(m);
            }
        }
        return serving;
    }

    private static String destination(DnatMember m) {
        return IpLiteral.forHostPort(m.address()) + ":" + m.port();
    }

    private static String entry(DnatMember m) {
        return IpLiteral.format(m.address()) + ",tcp:" + m.port();
    }

    static String chainName(DnatListener l) {
        return shortName("EDGELB-L-", l.id(), MAX_CHAIN);
    }

    static String setName(DnatListener l) {
        return shortName("edgelb-", l.id(), MAX_SET);
    }

    /** prefix + id, or prefix + the id's start + a hash of all of it when that is too long for the kernel. */
    private static String shortName(String prefix, String id, int max) {
        String name = prefix + id;
        if (name.length() <= max) {
            return name;
        }
        String hash = String.format("%08x", id.hashCode());
        return prefix + id.substring(0, max - prefix.length() - 9) + "-" + hash;
    }

    private void ensureJump(boolean v4, String table, String from, String to) throws SystemCommandException {
        String iptables = v4 ? "iptables" : "ip6tables";
        try {
            runner.run(List.of(iptables, "-t", table, "-C", from, "-j", to));
        } catch (SystemCommandException missing) {
            runner.run(List.of(iptables, "-t", table, "-I", from, "1", "-j", to));
        }
    }

    private void removeJump(boolean v4, String table, String from, String to) throws SystemCommandException {
        String iptables = v4 ? "iptables" : "ip6tables";
        for (int i = 0; i < 8; i++) { // bounded: an earlier crash may have left a duplicate
            try {
                runner.run(List.of(iptables, "-t", table, "-D", from, "-j", to));
            } catch (SystemCommandException absent) {
                return;
            }
        }
    }

    private void save(boolean v4, String rules) throws SystemCommandException {
        write(v4 ? "dnat.iptables" : "dnat.ip6tables", rules);
    }

    private void write(String name, String text) throws SystemCommandException {
        Path file = stateDir.resolve(name);
        try {
            Files.createDirectories(stateDir);
            Path staged = stateDir.resolve(name + ".new");
            Files.write(staged, text.getBytes(StandardCharsets.UTF_8));
            Files.move(staged, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SystemCommandException(List.of("write", file.toString()), e.toString());
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

}
