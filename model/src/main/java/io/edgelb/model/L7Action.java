package io.edgelb.model;

/** What an L7 policy does with a request it matches (Octavia's l7policy action). */
public enum L7Action {
    REDIRECT_TO_POOL,
    REDIRECT_TO_URL,
    REDIRECT_PREFIX,
    REJECT;

    public static L7Action parse(String text) {
        return Enums.parse(L7Action.class, text, "action");
    }
}
