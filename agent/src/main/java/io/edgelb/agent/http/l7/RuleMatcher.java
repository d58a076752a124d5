package io.edgelb.agent.http.l7;

import io.edgelb.model.L7CompareType;
import io.edgelb.model.L7Rule;
import io.edgelb.model.L7RuleType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One compiled L7 rule: the part of the request it looks at, compared as its compare_type says,
 * negated by invert. Immutable, shared by every event loop.
 *
 * <p>What each type looks at: HOST_NAME the Host header lower-cased (its port included, as
 * HAProxy's {@code hdr(host)}; the value is lower-cased too unless REGEX); PATH the path without the
 * query; FILE_TYPE what follows the last '.' of the path's last segment (empty if none); HEADER the
 * first header named key; COOKIE the value of the cookie named key. A missing header or cookie
 * matches nothing (invert: everything). Subjects are cut to {@link #MAX_SUBJECT_CHARS}.
 */
public final class RuleMatcher {
    /** The request header is at most 16 KiB, its request line 8 KiB: no subject needs more. */
    static final int MAX_SUBJECT_CHARS = 8 * 1024;
    /** Characters a REGEX may read per match: linear patterns on 8 KiB need a few times that. */
    static final long REGEX_BUDGET = 200_000;

    /** A rule's result; ABORTED when a REGEX went over its budget. */
    enum Result { MATCH, NO_MATCH, ABORTED }

    private final L7Rule rule;
    private final String value;
    private final Pattern pattern;

    RuleMatcher(L7Rule rule) {
        this.rule = rule;
        boolean lower = rule.type() == L7RuleType.HOST_NAME && rule.compareType() != L7CompareType.REGEX;
        this.value = lower ? rule.value().toLowerCase(Locale.ROOT) : rule.value();
        this.pattern = rule.compareType() == L7CompareType.REGEX ? Pattern.compile(rule.value()) : null;
    }

    Result match(HttpRequest request) {
        String subject = subject(request);
        if (subject == null) {
            return rule.invert() ? Result.MATCH : Result.NO_MATCH;
        }
        if (subject.length() > MAX_SUBJECT_CHARS) {
            subject = subject.substring(0, MAX_SUBJECT_CHARS);
        }
        boolean matched;
        try {
            matched = compare(subject);
        } catch (BudgetedChars.Exhausted e) {
            return Result.ABORTED; // neither match nor, inverted, a match: the policy does not act
        }
        return matched != rule.invert() ? Result.MATCH : Result.NO_MATCH;
    }

    private boolean compare(String subject) {
        return switch (rule.compareType()) {
            case EQUAL_TO -> subject.equals(value);
            case STARTS_WITH -> subject.startsWith(value);
            case ENDS_WITH -> subject.endsWith(value);
            case CONTAINS -> subject.contains(value);
            case REGEX -> pattern.matcher(new BudgetedChars(subject, REGEX_BUDGET)).find(); // unanchored, as HAProxy's -m reg
        };
    }

    private String subject(HttpRequest request) {
        return switch (rule.type()) {
            case HOST_NAME -> {
                String host = request.headers().get(HttpHeaderNames.HOST);
                yield host == null ? null : host.toLowerCase(Locale.ROOT);
            }
            case PATH -> RequestTarget.path(request.uri());
            case FILE_TYPE -> RequestTarget.fileType(RequestTarget.path(request.uri()));
            case HEADER -> request.headers().get(rule.key());
            case COOKIE -> cookie(request);
        };
    }

    private String cookie(HttpRequest request) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            if (header.length() > MAX_SUBJECT_CHARS * 2) {
                continue; // the header limit makes this impossible; never decode without a bound
            }
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(rule.key())) {
                    return cookie.value();
                }
            }
        }
        return null;
    }
}
