package io.edgelb.model.json;

/** Dotted paths into a document ({@code agents.r1.members.web_1}), as problems name their place. */
final class JsonPath {
    private JsonPath() {
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String describe(String path, String message) {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
