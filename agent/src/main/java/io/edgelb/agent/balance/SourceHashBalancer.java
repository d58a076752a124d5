package io.edgelb.agent.balance;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Source-IP (or source IP and port) hashing by weighted rendezvous hashing: each candidate
 * scores {@code -weight / ln(u)}, with u in (0, 1) a hash of the client key and the member, and
 * the highest score wins.
 *
 * <p>A member's score for a client does not depend on the other members, so disruption is
 * minimal: when a member leaves, fails, drains or is excluded, only the clients it held move
 * (each to its next-best member); when one joins or comes back, only the clients that now score
 * highest on it move, and they all move to it. A member wins with probability weight / sum of
 * weights, so weights hold for hashing too, and a weight change only moves clients to or from
 * that member.
 *
 * <p>Cost: one mix and one logarithm per member for every new connection, O(members). A ring
 * or Maglev table would be O(1) but must be rebuilt (and allocated) whenever a member's health or
 * weight changes; a router's pool has a handful of members, where a few tens of nanoseconds each
 * is noise next to accepting and connecting a socket, and there is no table to keep.
 *
 * <p>The hash depends only on the client address (and port) and the member's endpoint, never on
 * list order, process or platform ({@link StrictMath#log} is bit-exact everywhere), so routers
 * running the same pool send a client to the same member. Lock-free and stateless.
 */
final class SourceHashBalancer<M extends Candidate> implements Balancer<M> {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final M[] members;
    /** A 64-bit hash of each member's hashKey (its endpoint); seeds[i] belongs to members[i]. */
    private final long[] seeds;
    private final boolean withPort;

    SourceHashBalancer(M[] members, boolean withPort) {
        this.members = members;
        this.withPort = withPort;
        this.seeds = new long[members.length];
        for (int i = 0; i < members.length; i++) {
            seeds[i] = memberSeed(members[i].hashKey());
        }
    }

    @Override
    public M choose(InetSocketAddress client, Collection<M> exclude) {
        long key = clientKey(client, withPort);
        M chosen = highestScore(key, false, exclude);
        return chosen != null ? chosen : highestScore(key, true, exclude);
    }

    private M highestScore(long key, boolean backupTier, Collection<M> exclude) {
        M best = null;
        double bestScore = 0;
        for (int i = 0; i < members.length; i++) {
            int weight = Eligibility.weight(members[i], backupTier, exclude);
            if (weight == 0) {
                continue;
            }
            double score = weight / -StrictMath.log(unitInterval(mix(key ^ seeds[i])));
            if (best == null || score > bestScore) {
                best = members[i];
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * The client's hash. An IPv4 client reached over a dual-stack socket arrives as an
     * Inet4Address (the JDK unmaps ::ffff:a.b.c.d), so it hashes alike on both families. A client
     * without an address (unresolved; never from a socket) hashes as the zero key.
     */
    static long clientKey(InetSocketAddress client, boolean withPort) {
        InetAddress address = client == null ? null : client.getAddress();
        long key;
        if (address instanceof Inet4Address) {
            // OpenJDK's Inet4Address.hashCode() is the address itself (pinned by a test); it saves
            // the array copy getAddress() makes on every call.
            key = mix(address.hashCode() & 0xffff_ffffL);
        } else if (address != null) {
            byte[] bytes = address.getAddress();
            key = mix(mix(longAt(bytes, 0)) ^ longAt(bytes, 8));
        } else {
            key = 0;
        }
        return withPort && client != null ? mix(key ^ client.getPort()) : key;
    }

    static long memberSeed(String hashKey) {
        long hash = FNV_OFFSET;
        for (byte b : hashKey.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return mix(hash);
    }

    /** SplitMix64's finalizer: a bijection in which every input bit flips each output bit by half. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The top 52 bits as a double strictly inside (0, 1): never 0 (ln would be -infinity) nor 1
     * (ln would be 0 and the score infinite). 52 bits, not 53, keep {@code + 0.5} exact.
     */
    static double unitInterval(long hash) {
        return ((hash >>> 12) + 0.5) * 0x1.0p-52;
    }

    private static long longAt(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }
}
