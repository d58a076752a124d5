package io.edgelb.tests.hub;

import static io.edgelb.tests.hub.OctaviaFixture.AUTH_URL;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The plain {@code openstack} CLI (python3-openstackclient + python3-octaviaclient) against the
 * fixture's Keystone, as the hub user (load-balancer_admin: it sees every project's objects).
 * The environment is the one tests/octavia/octavia-up.sh writes to env.sh.
 */
final class OpenstackCli {
    private static final long TIMEOUT_SECONDS = 60;

    private OpenstackCli() {
    }

    record Result(int status, String output) {
        JsonObject json() {
            if (status != 0) {
                throw new AssertionError("openstack exited with " + status + ": " + output);
            }
            return Json.parse(output).asObject();
        }
    }

    /** Runs {@code openstack ARGS...}; stdout and stderr together. */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openstack"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("OS_"));
        env.put("OS_AUTH_URL", AUTH_URL);
        env.put("OS_IDENTITY_API_VERSION", "3");
        env.put("OS_USERNAME", "hub");
        env.put("OS_PASSWORD", "hubpass");
        env.put("OS_PROJECT_NAME", "hub");
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_REGION_NAME", "RegionOne");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes(); // ends when the process exits
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("openstack " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

}
