package io.edgelb.tests.hub;

/**
 * Where tests/octavia/octavia-up.sh put the Octavia fixture, each value overridable from the
 * environment (its env.sh exports the same names).
 */
final class OctaviaFixture {
    static final String NOAUTH_URL = setting("OCTAVIA_NOAUTH_URL", "http://127.0.0.1:9876");
    static final String NOAUTH_PROJECT = setting("OCTAVIA_NOAUTH_PROJECT", "e3cd678b11784734bc366148aa37580e");
    static final String KEYSTONE_URL = setting("OCTAVIA_KEYSTONE_URL", "http://127.0.0.1:9877");
    static final String AUTH_URL = setting("OS_AUTH_URL", "http://127.0.0.1:5000/v3");

    private OctaviaFixture() {
    }

    static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
