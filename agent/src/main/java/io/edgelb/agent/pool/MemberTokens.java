package io.edgelb.agent.pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * HTTP_COOKIE persistence: the cookie names a member by an opaque token, a hash of the pool and
 * member ids, never its address; the same after a restart or reload, so clients keep their member.
 * Immutable, built with the pool's runtime; as large as the pool.
 */
final class MemberTokens {
    private final Map<String, MemberRuntime> byToken = new HashMap<>();
    private final Map<MemberRuntime, String> byMember = new HashMap<>();

    MemberTokens(String poolId, List<MemberRuntime> members) {
        for (MemberRuntime member : members) {
            String token = token(poolId, member.id());
            byToken.put(token, member);
            byMember.put(member, token);
        }
    }

    MemberRuntime member(String token) {
        return token == null ? null : byToken.get(token);
    }

    String token(MemberRuntime member) {
        return byMember.get(member);
    }

    static String token(String poolId, String memberId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((poolId + "\0" + memberId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
