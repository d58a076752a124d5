package io.edgelb.agent.balance;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers which member each client address was sent to, for a pool's SOURCE_IP session
 * persistence. An entry expires {@code timeoutMillis} after its last use; past maxEntries the
 * least recently used entry goes, so a scan from many addresses cannot grow the heap.
 *
 * <p>The table only remembers: the caller falls back to the balancer when lookup returns null or
 * a member that no longer accepts connections, and then remembers the new choice.
 *
 * <p>Thread-safe under one lock; each call is a hash lookup and a few pointer moves. Entries are
 * kept in a list from least to most recently used, which is also expiry order, so expired entries
 * are dropped from its head as a side effect of each call and no sweeper thread is needed.
 */
public final class StickyTable<M> {
    /** About 2 MB of heap when full: enough clients for a router, bounded for a small one. */
    public static final int DEFAULT_MAX_ENTRIES = 16_384;

    private final long timeoutMillis;
    private final int maxEntries;
    private final Object lock = new Object();
    // Guarded by lock. head is the least recently used entry, tail the most recent.
    private final Map<InetAddress, Entry<M>> entries = new HashMap<>();
    private Entry<M> head;
    private Entry<M> tail;

    private static final class Entry<M> {
        final InetAddress client;
        M member;
        long lastUsedMillis;
        Entry<M> previous;
        Entry<M> next;

        Entry(InetAddress client, long nowMillis) {
            this.client = client;
            this.lastUsedMillis = nowMillis;
        }
    }

    public StickyTable(long timeoutMillis, int maxEntries) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("persistence timeout must be positive: " + timeoutMillis);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("sticky table size must be positive: " + maxEntries);
        }
        this.timeoutMillis = timeoutMillis;
        this.maxEntries = maxEntries;
    }

    /** The member this client used within the timeout, or null; a hit counts as a use. */
    public M lookup(InetAddress client, long nowMillis) {
        synchronized (lock) {
            expire(nowMillis);
            Entry<M> entry = entries.get(client);
            if (entry == null) {
                return null;
            }
            if (expired(entry, nowMillis)) {
                drop(entry); // behind a fresher head when uses arrived slightly out of order
                return null;
            }
            touch(entry, nowMillis);
            return entry.member;
        }
    }

    /** Records that client now uses member, replacing what it used before. */
    public void remember(InetAddress client, M member, long nowMillis) {
        synchronized (lock) {
            expire(nowMillis);
            Entry<M> entry = entries.get(client);
            if (entry == null) {
                if (entries.size() >= maxEntries) {
                    drop(head);
                }
                entry = new Entry<>(client, nowMillis);
                entries.put(client, entry);
                append(entry);
            }
            entry.member = member;
            touch(entry, nowMillis);
        }
    }

    /** The number of entries, expired ones not yet dropped included. */
    public int size() {
        synchronized (lock) {
            return entries.size();
        }
    }

    private void touch(Entry<M> entry, long nowMillis) {
        // Event loops read the clock before taking the lock, so a slightly older now may come
        // second; never move an entry's last use backwards.
        entry.lastUsedMillis = Math.max(entry.lastUsedMillis, nowMillis);
        if (entry != tail) {
            unlink(entry);
            append(entry);
        }
    }

    private void expire(long nowMillis) {
        while (head != null && expired(head, nowMillis)) {
            drop(head);
        }
    }

    private boolean expired(Entry<M> entry, long nowMillis) {
        return nowMillis - entry.lastUsedMillis >= timeoutMillis;
    }

    private void drop(Entry<M> entry) {
        entries.remove(entry.client);
        unlink(entry);
    }

    private void append(Entry<M> entry) {
        entry.previous = tail;
        entry.next = null;
        if (tail == null) {
            head = entry;
        } else {
            tail.next = entry;
        }
        tail = entry;
    }

    private void unlink(Entry<M> entry) {
        if (entry.previous == null) {
            head = entry.next;
        } else {
            entry.previous.next = entry.next;
        }
        if (entry.next == null) {
            tail = entry.previous;
        } else {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
    }
}
