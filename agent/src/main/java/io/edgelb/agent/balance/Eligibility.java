package io.edgelb.agent.balance;

import java.util.Collection;

/**
 * Decides whether a member is a candidate for one new connection, in the primary or the backup
 * tier. Every algorithm scans the primaries first and the backups only when no primary
 * qualified, so a backup never takes traffic a primary could have taken.
 */
final class Eligibility {
    private Eligibility() {
    }

    /** The member's weight when it may take this connection in the given tier, else 0. */
    static int weight(Candidate member, boolean backupTier, Collection<?> exclude) {
        if (member.isBackup() != backupTier || !member.acceptsNewConnections()) {
            return 0;
        }
        if (!exclude.isEmpty() && exclude.contains(member)) {
            return 0;
        }
        // Read again, not taken from acceptsNewConnections(): a reload may have set it to 0 since,
        // and 0 must never be picked (it would also break the weighted comparisons).
        return Math.max(member.weight(), 0);
    }
}
