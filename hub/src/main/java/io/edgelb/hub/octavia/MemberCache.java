package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The members of each provider-owned pool from earlier polls, reused while nothing can have
 * changed them. Every member create, update or delete moves the pool to PENDING_UPDATE, and
 * Octavia refuses changes to a pending tree; an owned pool leaves PENDING_* only when the hub
 * reports it, after a poll has read its members. So a pool with the same provisioning_status and
 * updated_at as when its members were read has the same members (the status tells the transitions
 * apart within the second updated_at keeps). A poll then reads one member list per changed pool
 * instead of one per pool (Octavia 11 answers one in about 240 ms while busy). {@link OctaviaFetch}
 * asks only for owned pools (see there why). Entries are read again after {@link #MAX_AGE_MS}
 * whatever the stamp says. Owned by the Octavia poll thread.
 */
final class MemberCache {
    static final long MAX_AGE_MS = 300_000;

    private record Entry(String stamp, long readAt, List<JsonObject> members) {
    }

    private final Map<String, Entry> byPool = new HashMap<>();
    private final LongSupplier clock;

    MemberCache(LongSupplier clock) {
        this.clock = clock;
    }

    /** The pool's members if they cannot have changed since they were read; null: read them. */
    List<JsonObject> reusable(JsonObject pool) {
        Entry entry = byPool.get(pool.getString("id", ""));
        String stamp = stamp(pool);
        if (entry == null || stamp == null || !stamp.equals(entry.stamp())
                || clock.getAsLong() - entry.readAt() > MAX_AGE_MS) {
            return null;
        }
        return entry.members();
    }

    /** Remembers what was just read. */
    void put(JsonObject pool, List<JsonObject> members) {
        String id = pool.getString("id", "");
        String stamp = stamp(pool);
        if (stamp != null) {
            byPool.put(id, new Entry(stamp, clock.getAsLong(), List.copyOf(members)));
        } else {
            byPool.remove(id);
        }
    }

    /** Forgets pools Octavia no longer lists (or whose members are no longer needed). */
    void retain(Set<String> pools) {
        byPool.keySet().retainAll(pools);
    }

    /**
     * provisioning_status and updated_at (created_at for a pool never updated: PENDING_CREATE);
     * null, never reused, without either.
     */
    private static String stamp(JsonObject pool) {
        String updated = OctaviaMapper.text(pool, "updated_at");
        String when = updated != null ? updated : OctaviaMapper.text(pool, "created_at");
        return when == null ? null : OctaviaMapper.text(pool, "provisioning_status") + "|" + when;
    }
}
