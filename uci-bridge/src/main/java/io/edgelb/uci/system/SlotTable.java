package io.edgelb.uci.system;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The fixed slots of one dnat listener's map ({@code numgen inc mod N} or {@code jhash ... mod N}) and
 * the member each slot sends to. The slot count never changes with health, so a member going down or
 * up only rewrites map elements, never the rule; and a member's slots move only when it must give or
 * take some, so source-hashed clients of the other members stay where they are.
 *
 * <p>Weights work by repetition: a member gets a share of the slots proportional to its weight
 * (largest-remainder rounding), and the slots of each member are spread evenly over the table, because
 * {@code numgen inc} walks the slots in order: any run of slots as long as the total weight holds each
 * member its weight's worth, also after a member went down and came back. Backup members get slots only while no primary member is eligible.
 * When no member is eligible every slot is empty: the rule then matches nothing and connections are
 * not translated.
 */
public final class SlotTable {
    /** Enough slots that a share is exact for small pools with a member down (64 = 2 x 32, 66 = 3 x 22, ...). */
    static final int MIN_SLOTS = 64;
    /** A bound on map size for large weighted pools; shares are then rounded. */
    static final int MAX_SLOTS = 1024;

    private final List<DnatMember> members;
    private final DnatMember[] owners;

    private SlotTable(List<DnatMember> members, DnatMember[] owners) {
        this.members = List.copyOf(members);
        this.owners = owners;
    }

    /** An empty table sized for these members: a multiple of their total (reduced) weight. */
    public static SlotTable sizedFor(List<DnatMember> members) {
        return new SlotTable(members, new DnatMember[slotCount(members)]);
    }

    /**
     * A table for a new member list that starts from the previous table's slots where the size is
     * unchanged and the owner is still a member with the same endpoint: a reload that adds a member
     * moves only the slots the new member must take.
     */
    public static SlotTable sizedFor(List<DnatMember> members, SlotTable previous) {
        SlotTable table = sizedFor(members);
        if (previous != null && previous.owners.length == table.owners.length) {
            for (int slot = 0; slot < table.owners.length; slot++) {
                DnatMember old = previous.owners[slot];
                if (old != null && members.contains(old)) {
                    table.owners[slot] = old;
                }
            }
        }
        return table;
    }

    static int slotCount(List<DnatMember> members) {
        int gcd = 0;
        for (DnatMember m : members) {
            if (m.weight() > 0) {
                gcd = gcd(gcd, m.weight());
            }
        }
        long total = 0;
        for (DnatMember m : members) {
            if (m.weight() > 0 && !m.backup()) {
                total += m.weight() / gcd;
            }
        }
        if (total == 0) {
            return MIN_SLOTS;
        }
        if (total >= MAX_SLOTS) {
            return MAX_SLOTS;
        }
        long slots = total * ((MIN_SLOTS + total - 1) / total);
        return (int) Math.min(slots, MAX_SLOTS);
    }

    public int size() {
        return owners.length;
    }

    /** The member of slot i, or null when the slot is empty. */
    public DnatMember owner(int slot) {
        return owners[slot];
    }

    public List<DnatMember> members() {
        return members;
    }

    /** Slots per member id, in member order (0 for members without slots). */
    public Map<String, Integer> shares() {
        Map<String, Integer> shares = new LinkedHashMap<>();
        for (DnatMember m : members) {
            shares.put(m.id(), 0);
        }
        for (DnatMember owner : owners) {
            if (owner != null) {
                shares.merge(owner.id(), 1, Integer::sum);
            }
        }
        return shares;
    }

    /**
     * The table for the members that are eligible now, keeping every slot whose owner may keep it. The
     * receiver is not changed. Members are matched by id.
     */
    public SlotTable reassign(Predicate<String> eligible) {
        List<DnatMember> serving = new ArrayList<>();
        for (DnatMember m : members) {
            if (m.weight() > 0 && !m.backup() && eligible.test(m.id())) {
                serving.add(m);
            }
        }
        if (serving.isEmpty()) {
            for (DnatMember m : members) {
                if (m.weight() > 0 && m.backup() && eligible.test(m.id())) {
                    serving.add(m);
                }
            }
        }
        DnatMember[] next = new DnatMember[owners.length];
        if (serving.isEmpty()) {
            return new SlotTable(members, next);
        }
        int[] quota = quotas(serving, owners.length);
        int[] held = new int[serving.size()];
        int[] index = new int[owners.length];
        for (int slot = 0; slot < owners.length; slot++) {
            index[slot] = owners[slot] == null ? -1 : indexOf(serving, owners[slot].id());
            if (index[slot] >= 0) {
                held[index[slot]]++;
            }
        }
        // A member with more slots than its share keeps an evenly spaced subset of them (every
        // other one when it keeps half), so the slots it gives up are spread out too: numgen inc
        // walks the slots in order, and a block of slots is a run of connections to one member.
        int[] seen = new int[serving.size()];
        int[] used = new int[serving.size()];
        for (int slot = 0; slot < owners.length; slot++) {
            int i = index[slot];
            if (i < 0) {
                continue;
            }
            long before = (long) seen[i] * Math.min(quota[i], held[i]) / held[i];
            seen[i]++;
            long after = (long) seen[i] * Math.min(quota[i], held[i]) / held[i];
            if (after > before) {
                next[slot] = serving.get(i);
                used[i]++;
            }
        }
        // Free slots go to the members that still lack some by smooth weighted round robin over what
        // each lacks (nginx's), so they interleave too: a, b, a, b for two members of one weight.
        int[] lack = new int[serving.size()];
        int[] current = new int[serving.size()];
        int totalLack = 0;
        for (int i = 0; i < lack.length; i++) {
            lack[i] = quota[i] - used[i];
            totalLack += lack[i];
        }
        for (int slot = 0; slot < next.length; slot++) {
            if (next[slot] != null) {
                continue;
            }
            int best = -1;
            for (int i = 0; i < lack.length; i++) {
                current[i] += lack[i];
                if (lack[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= totalLack;
            next[slot] = serving.get(best);
        }
        return new SlotTable(members, next);
    }

    /** Largest-remainder shares of {@code slots} by weight; ties go to the member listed first. */
    private static int[] quotas(List<DnatMember> serving, int slots) {
        long total = 0;
        for (DnatMember m : serving) {
            total += m.weight();
        }
        int[] quota = new int[serving.size()];
        long[] remainder = new long[serving.size()];
        int given = 0;
        for (int i = 0; i < quota.length; i++) {
            long exact = (long) serving.get(i).weight() * slots;
            quota[i] = (int) (exact / total);
            remainder[i] = exact % total;
            given += quota[i];
        }
        while (given < slots) {
            int best = 0;
            for (int i = 1; i < quota.length; i++) {
                if (remainder[i] > remainder[best]) {
                    best = i;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }

    private static int indexOf(List<DnatMember> list, String id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Slots whose owner differs between two tables of the same size. */
    public List<Integer> changedSlots(SlotTable other) {
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < owners.length; i++) {
            DnatMember a = owners[i];
            DnatMember b = other.owners[i];
            if (a == null ? b != null : b == null || !a.equals(b)) {
                changed.add(i);
            }
        }
        return changed;
    }

    @Override
    public String toString() {
        return "SlotTable" + Arrays.stream(owners).map(o -> o == null ? "-" : o.id()).toList();
    }
}
