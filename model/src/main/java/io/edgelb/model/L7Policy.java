package io.edgelb.model;

import java.util.Set;

/**
 * An Octavia L7 policy of an HTTP listener: when all its enabled rules match a request, its action
 * applies. Policies of a listener are tried by position, lower first, ties by id (Octavia's order).
 * Only the field of its action is used: redirectPoolId, redirectUrl or redirectPrefix.
 */
public record L7Policy(
        String id,
        String listenerId,
        L7Action action,
        int position,
        String redirectPoolId,
        String redirectUrl,
        String redirectPrefix,
        int redirectHttpCode,
        boolean enabled) {

    public static final int DEFAULT_POSITION = 1;
    public static final int DEFAULT_REDIRECT_CODE = 302;
    public static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
}
