package io.edgelb.model;

import io.edgelb.model.io.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The checks of L7 policies and rules. Redirect targets go into a Location header and rule values
 * are compared with what clients send, so both are treated as hostile: printable ASCII only, URLs
 * absolute http(s), header and cookie names RFC 9110 tokens, REGEX compiled here with a length limit.
 */
final class L7Rules {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

    private L7Rules() {
    }

    static void check(Config config, List<Problem> problems) {
        Set<String> withRules = new HashSet<>();
        for (L7Rule rule : config.l7rules().values()) {
            checkRule(config, rule, problems);
            withRules.add(rule.policyId());
        }
        for (L7Policy policy : config.l7policies().values()) {
            checkPolicy(config, policy, problems);
            if (policy.enabled() && !withRules.contains(policy.id())) {
                problems.add(Problem.warning(Kind.L7POLICY, policy.id(), null,
                        "has no rules: it never matches (Octavia's semantics)"));
            }
        }
    }

    private static void checkPolicy(Config config, L7Policy p, List<Problem> problems) {
        Kind k = Kind.L7POLICY;
        Listener listener = config.listeners().get(p.listenerId());
        if (listener == null) {
            if (!p.listenerId().isEmpty()) { // missing: reported as required
                problems.add(Problem.error(k, p.id(), "listener", "listener '" + p.listenerId() + "' does not exist"));
            }
        } else if (!listener.isHttp()) {
            problems.add(Problem.error(k, p.id(), "listener", "listener '" + p.listenerId()
                    + "' is not an HTTP listener (option protocol 'HTTP'): only HTTP requests have L7 policies"));
        }
        if (p.position() < 1) {
            problems.add(Problem.error(k, p.id(), "position", "position " + p.position() + " must be 1 or more"));
        }
        if (!L7Policy.REDIRECT_CODES.contains(p.redirectHttpCode())) {
            problems.add(Problem.error(k, p.id(), "redirect_http_code", "redirect_http_code " + p.redirectHttpCode()
                    + " is not one of 301, 302, 303, 307 or 308"));
        }
        switch (p.action()) {
            case REDIRECT_TO_POOL -> {
                if (p.redirectPoolId() == null) {
                    problems.add(Problem.error(k, p.id(), "action", "action REDIRECT_TO_POOL needs redirect_pool"));
                } else {
                    Pool pool = config.pools().get(p.redirectPoolId());
                    if (pool == null) {
                        problems.add(Problem.error(k, p.id(), "redirect_pool", "redirect_pool '" + p.redirectPoolId()
                                + "' does not exist"));
                    } else if (pool.protocol() != PoolProtocol.HTTP) {
                        problems.add(Problem.error(k, p.id(), "redirect_pool", "redirect_pool '" + p.redirectPoolId()
                                + "' has protocol " + pool.protocol() + "; requests need a pool with protocol 'HTTP'"));
                    }
                }
            }
            case REDIRECT_TO_URL -> url(p, "redirect_url", p.redirectUrl(), problems);
            case REDIRECT_PREFIX -> url(p, "redirect_prefix", p.redirectPrefix(), problems);
            case REJECT -> {
            }
        }
    }

    private static void url(L7Policy p, String field, String value, List<Problem> problems) {
        if (value == null) {
            problems.add(Problem.error(Kind.L7POLICY, p.id(), "action", "action " + p.action() + " needs " + field));
            return;
        }
        String why = urlProblem(value);
        if (why != null) {
            problems.add(Problem.error(Kind.L7POLICY, p.id(), field, field + " '" + Printable.escape(value) + "' " + why));
        }
    }

    /** Why a redirect target cannot go into a Location header, or null. */
    static String urlProblem(String value) {
        if (value.length() > 2048) {
            return "is longer than 2048 characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "holds a space, control or non-ASCII character (it goes into a Location header)";
            }
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
                return "is not an absolute http:// or https:// URL";
            }
        } catch (URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        }
        return null;
    }

    private static void checkRule(Config config, L7Rule r, List<Problem> problems) {
        Kind k = Kind.L7RULE;
        if (!r.policyId().isEmpty() && !config.l7policies().containsKey(r.policyId())) {
            problems.add(Problem.error(k, r.id(), "l7policy", "l7policy '" + r.policyId() + "' does not exist"));
        }
        if (r.type().needsKey()) {
            if (r.key() == null) {
                problems.add(Problem.error(k, r.id(), "type", "type " + r.type() + " needs key (the "
                        + (r.type() == L7RuleType.HEADER ? "header" : "cookie") + " name)"));
            } else if (!TOKEN.matcher(r.key()).matches()) {
                problems.add(Problem.error(k, r.id(), "key", "key '" + Printable.escape(r.key())
                        + "' is not a valid " + (r.type() == L7RuleType.HEADER ? "header" : "cookie") + " name (a token)"));
            }
        } else if (r.key() != null) {
            problems.add(Problem.warning(k, r.id(), "key", "key only applies to HEADER and COOKIE rules; ignored"));
        }
        String value = r.value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                problems.add(Problem.error(k, r.id(), "value", "value holds a control character"));
                return;
            }
        }
        if (r.compareType() == L7CompareType.REGEX) {
            if (value.length() > L7Rule.MAX_REGEX_CHARS) {
                problems.add(Problem.error(k, r.id(), "value", "a REGEX value is longer than "
                        + L7Rule.MAX_REGEX_CHARS + " characters"));
                return;
            }
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                problems.add(Problem.error(k, r.id(), "value", "value is not a valid regular expression: "
                        + e.getDescription()));
            }
        } else if (value.length() > L7Rule.MAX_VALUE_CHARS) {
            problems.add(Problem.error(k, r.id(), "value", "value is longer than " + L7Rule.MAX_VALUE_CHARS
                    + " characters"));
        } else if (value.isEmpty()) {
            problems.add(Problem.error(k, r.id(), "value", "value is empty"));
        }
    }
}
