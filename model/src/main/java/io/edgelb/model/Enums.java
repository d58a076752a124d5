package io.edgelb.model;

/** Parses enum values by their exact constant name, with an error that lists the accepted names. */
final class Enums {
    private Enums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text, String field) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        StringBuilder expected = new StringBuilder();
        E[] constants = type.getEnumConstants();
        for (int i = 0; i < constants.length; i++) {
            if (i > 0) {
                expected.append(i == constants.length - 1 ? " or " : ", ");
            }
            expected.append(constants[i].name());
        }
        throw new IllegalArgumentException(field + " '" + text + "' is unknown (expected " + expected + ")");
    }
}
