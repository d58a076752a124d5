package io.edgelb.uci.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgelb.model.IpLiteral;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotTableTest {
    static DnatMember member(String id, int weight, boolean backup) {
        return new DnatMember(id, IpLiteral.parse("192.0.2." + (10 + id.charAt(id.length() - 1) - '0')), 80, weight,
                backup);
    }

    private static final DnatMember A = member("m1", 1, false);
    private static final DnatMember B = member("m2", 1, false);
    private static final DnatMember C = member("m3", 2, false);
    private static final DnatMember SPARE = member("m9", 1, true);

    @Test
    void slotsAreAMultipleOfTheReducedTotalWeight() {
        assertEquals(64, SlotTable.slotCount(List.of(A, B)));
        assertEquals(64, SlotTable.slotCount(List.of(A, B, C))); // weights 1,1,2: total 4
        assertEquals(66, SlotTable.slotCount(List.of(A, B, member("m4", 1, false))));
        assertEquals(64, SlotTable.slotCount(List.of(member("m1", 10, false), member("m2", 10, false))));
        assertEquals(SlotTable.MAX_SLOTS, SlotTable.slotCount(List.of(member("m1", 255, false), member("m2", 256, false),
                member("m3", 253, false), member("m4", 251, false), member("m5", 250, false))));
    }

    @Test
    void weightsByRepetitionAndAFreshTableInterleaves() {
        SlotTable table = SlotTable.sizedFor(List.of(A, B, C)).reassign(id -> true);
        assertEquals(Map.of("m1", 16, "m2", 16, "m3", 32), table.shares());
        assertEveryWindowHasTheWeightRatio(table, Map.of("m1", 1, "m2", 1, "m3", 2));
    }

    /**
     * numgen inc walks the slots in order, so consecutive connections follow consecutive slots:
     * after a member goes down and comes back, or when members come up one after another, every
     * run of slots as long as the total weight must hold each member its weight's worth of times.
     */
    @Test
    void aMemberThatComesBackIsInterleavedNotGivenABlock() {
        for (int heavy : new int[] {1, 3}) {
            DnatMember a = member("m1", 1, false);
            DnatMember b = member("m2", heavy, false);
            Map<String, Integer> weights = Map.of("m1", 1, "m2", heavy);
            SlotTable all = SlotTable.sizedFor(List.of(a, b)).reassign(id -> true);
            assertEveryWindowHasTheWeightRatio(all, weights);
            for (String flapping : List.of("m1", "m2")) {
                SlotTable down = all.reassign(id -> !id.equals(flapping));
                SlotTable back = down.reassign(id -> true);
                assertEveryWindowHasTheWeightRatio(back, weights);
                assertEquals(all.shares(), back.shares());
                assertEquals(back.shares().get(flapping), back.changedSlots(down).size(), "more slots moved than needed");
            }
            // Start-up: members pass their first check one after another.
            SlotTable first = SlotTable.sizedFor(List.of(a, b)).reassign(id -> id.equals("m2"));
            assertEveryWindowHasTheWeightRatio(first.reassign(id -> true), weights);
        }
    }

    @Test
    void membersComingUpOneAfterAnotherSpreadOverTheSlots() {
        SlotTable table = SlotTable.sizedFor(List.of(A, B, C));
        table = table.reassign(id -> id.equals("m1"));
        table = table.reassign(id -> !id.equals("m3"));
        assertEveryWindowHasTheWeightRatio(table, Map.of("m1", 1, "m2", 1));
        table = table.reassign(id -> true);
        assertEquals(Map.of("m1", 16, "m2", 16, "m3", 32), table.shares());
        assertEveryWindowHasTheWeightRatio(table, Map.of("m1", 1, "m2", 1, "m3", 2));
    }

    /** Every window of slots (cyclic: numgen wraps) as long as the total weight holds each member weight times. */
    static void assertEveryWindowHasTheWeightRatio(SlotTable table, Map<String, Integer> weights) {
        int window = weights.values().stream().mapToInt(Integer::intValue).sum();
        for (int start = 0; start < table.size(); start++) {
            Map<String, Integer> seen = new java.util.HashMap<>();
            for (String id : weights.keySet()) {
                seen.put(id, 0);
            }
            for (int k = 0; k < window; k++) {
                seen.merge(table.owner((start + k) % table.size()).id(), 1, Integer::sum);
            }
            assertEquals(weights, seen, "slots " + start + ".." + (start + window - 1) + " of " + table);
        }
    }

    @Test
    void aMemberGoingDownOnlyGivesAwayItsOwnSlots() {
        SlotTable all = SlotTable.sizedFor(List.of(A, B, C)).reassign(id -> true);
        SlotTable withoutB = all.reassign(id -> !id.equals("m2"));
        assertEquals(Map.of("m1", 21, "m2", 0, "m3", 43), withoutB.shares()); // 64 x 1/3 and 2/3, rounded
        for (int slot = 0; slot < all.size(); slot++) {
            if (!all.owner(slot).id().equals("m2")) {
                assertEquals(all.owner(slot), withoutB.owner(slot), "slot " + slot + " moved");
            }
        }
        SlotTable back = withoutB.reassign(id -> true);
        assertEquals(all.shares(), back.shares());
        assertEquals(16, back.changedSlots(withoutB).size());
    }

    @Test
    void backupsServeOnlyWhenNoPrimaryCan() {
        SlotTable table = SlotTable.sizedFor(List.of(A, B, SPARE));
        assertEquals(0, table.reassign(id -> true).shares().get("m9"));
        assertEquals(64, table.reassign(id -> id.equals("m9")).shares().get("m9"));
        SlotTable none = table.reassign(id -> false);
        for (int slot = 0; slot < none.size(); slot++) {
            assertNull(none.owner(slot));
        }
    }

    @Test
    void aReloadKeepsTheSlotsOfMembersThatStay() {
        SlotTable before = SlotTable.sizedFor(List.of(A, B)).reassign(id -> true);
        DnatMember third = member("m3", 1, false);
        SlotTable after = SlotTable.sizedFor(List.of(A, B, third), before).reassign(id -> true);
        assertEquals(66, after.size()); // a new size: nothing to keep, but every member serves
        assertEquals(Set.of(22), Set.copyOf(after.shares().values()));
        DnatMember heavier = member("m3", 2, false);
        SlotTable same = SlotTable.sizedFor(List.of(A, B, heavier), before).reassign(id -> true);
        assertEquals(64, same.size());
        assertEquals(Map.of("m1", 16, "m2", 16, "m3", 32), same.shares());
        assertEquals(32, same.changedSlots(before).size()); // only the new member's slots moved
    }
}
