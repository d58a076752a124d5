package io.edgelb.uci.edgelb;

import io.edgelb.model.Kind;
import io.edgelb.model.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What mapping the file to the model found wrong, and which fields it had to replace by a stand-in
 * value so that the validator could still look at the rest.
 *
 * <p>A field that could not be read (a missing port, {@code port 'http'}) gets a stand-in; the
 * validator would then complain about the stand-in ({@code port 0 is out of range}), which says nothing
 * the user must fix beyond the first message. Such fields are marked spoiled and the validator's
 * problems about them are dropped.
 */
final class Findings {
    /** Problems located later by the {@link Locator}. */
    private final List<Problem> problems = new ArrayList<>();
    /** The same problems, for a constant-time "already reported" in {@link #keepNew}. */
    private final Set<Problem> reported = new HashSet<>();
    /** Messages whose line is already known (sections the Locator cannot tell apart). */
    private final List<Diagnostic> placed = new ArrayList<>();
    private final Set<String> spoiled = new HashSet<>();

    /** A problem with a field spoils that field when it is an error. */
    void add(Problem problem) {
        problems.add(problem);
        reported.add(problem);
        if (problem.isError() && problem.field() != null) {
            spoil(problem.kind(), problem.id(), problem.field());
        }
    }

    void spoil(Kind kind, String id, String field) {
        spoiled.add(key(kind, id, field));
    }

    void place(Diagnostic diagnostic) {
        placed.add(diagnostic);
    }

    /** The validator's problems worth showing: none about a spoiled field, none already reported. */
    List<Problem> keepNew(List<Problem> fromValidator) {
        List<Problem> kept = new ArrayList<>();
        for (Problem problem : fromValidator) {
            boolean aboutStandIn = problem.field() != null
                    && spoiled.contains(key(problem.kind(), problem.id(), problem.field()));
            if (!aboutStandIn && !reported.contains(problem)) {
                kept.add(problem);
            }
        }
        return kept;
    }

    List<Problem> problems() {
        return problems;
    }

    List<Diagnostic> placed() {
        return placed;
    }

    private static String key(Kind kind, String id, String field) {
        return kind + "\u0000" + id + "\u0000" + field;
    }
}
