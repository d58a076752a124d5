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
        assertEquals(List.of("m1", "m2", "m3"), List.of(table.owner(0).id(), table.owner(1).id(), table.owner(2).id()));
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
