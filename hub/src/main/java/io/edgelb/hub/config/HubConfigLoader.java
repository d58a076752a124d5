package io.edgelb.hub.config;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import io.edgelb.model.HostPort;
import io.edgelb.model.json.JsonGuard;
import io.edgelb.model.sync.CurveKeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the hub's JSON config file into a {@link HubConfig}, listing every problem as
 * {@code FILE: PATH: message}. Example:
 * <pre>{"bind": "tcp://*:5570", "key_file": "/etc/edgelb-hub/hub.key", "api": "127.0.0.1:8090",
 *  "agents": {"r1": "Z85 public key of r1"},
 *  "source": {"type": "file", "path": "/etc/edgelb-hub/pools.json"}}</pre>
 */
public final class HubConfigLoader {
    private static final Set<String> TOP = Set.of("bind", "key_file", "api", "api_token_file", "heartbeat",
            "io_threads", "agents", "source", "log_level");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    private final List<String> errors = new ArrayList<>();
    private final String file;

    private HubConfigLoader(String file) {
        this.file = file;
    }

    /** The config, or an exception whose message lists every problem, one per line. */
    public static HubConfig load(Path path) throws InvalidConfigException {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new InvalidConfigException(path + ": cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    public static HubConfig parse(String name, String text) throws InvalidConfigException {
        HubConfigLoader loader = new HubConfigLoader(name);
        HubConfig config = loader.read(text);
        if (!loader.errors.isEmpty()) {
            throw new InvalidConfigException(String.join("\n", loader.errors));
        }
        return config;
    }

    private HubConfig read(String text) {
        String refused = JsonGuard.check(text, 1 << 20, 16);
        if (refused != null) {
            error("", refused);
            return null;
        }
        JsonObject root;
        try {
            JsonValue value = Json.parse(text);
            if (!value.isObject()) {
                error("", "is not a JSON object");
                return null;
            }
            root = value.asObject();
        } catch (ParseException e) {
            error("", "not JSON: " + e.getMessage());
            return null;
        }
        unknown(root, "", TOP);
        String bind = string(root, "", "bind", HubConfig.DEFAULT_BIND);
        if (!bind.matches("tcp://(\\*|\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):\\d{1,5}")) {
            error("bind", "'" + bind + "' is not tcp://ADDRESS:PORT (the publisher takes PORT+1)");
        }
        String api = string(root, "", "api", HubConfig.DEFAULT_API);
        try {
            HostPort.parse(api);
        } catch (IllegalArgumentException e) {
            error("api", e.getMessage());
        }
        long heartbeat = Math.round(number(root, "", "heartbeat", HubConfig.DEFAULT_HEARTBEAT_MS / 1000.0) * 1000);
        if (heartbeat < 100 || heartbeat > 60_000) {
            error("heartbeat", "heartbeat must be 0.1-60 seconds");
        }
        int ioThreads = (int) number(root, "", "io_threads", 1);
        if (ioThreads < 1 || ioThreads > 16) {
            error("io_threads", "io_threads must be 1-16");
        }
        String logLevel = string(root, "", "log_level", "info");
        if (!LOG_LEVELS.contains(logLevel)) {
            error("log_level", "log_level '" + logLevel + "' is unknown (expected trace, debug, info, warn or error)");
        }
        return new HubConfig(bind,
                string(root, "", "key_file", HubConfig.DEFAULT_KEY_FILE),
                api,
                string(root, "", "api_token_file", HubConfig.DEFAULT_TOKEN_FILE),
                heartbeat, ioThreads, agents(root.get("agents")), source(root.get("source")), logLevel);
    }

    private Map<String, String> agents(JsonValue value) {
        Map<String, String> agents = new LinkedHashMap<>();
        if (value == null) {
            return agents;
        }
        if (!value.isObject()) {
            error("agents", "is not an object of agent id: public key");
            return agents;
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        for (JsonObject.Member m : value.asObject()) {
            String at = "agents." + m.getName();
            if (!m.getName().matches("[A-Za-z0-9_.-]{1,64}")) {
                error(at, "an agent id may only hold letters, digits, '_', '.' and '-' (1-64)");
            } else if (!m.getValue().isString() || !CurveKeyFile.Z85_KEY.matcher(m.getValue().asString()).matches()) {
                error(at, "is not a 40-character Z85 CURVE public key (edgelb-agent keygen prints it)");
            } else if (byKey.putIfAbsent(m.getValue().asString(), m.getName()) != null) {
                error(at, "has the same key as agent '" + byKey.get(m.getValue().asString()) + "'");
            } else {
                agents.put(m.getName(), m.getValue().asString());
            }
        }
        return agents;
    }

    private HubConfig.SourceConfig source(JsonValue value) {
        if (value == null || !value.isObject()) {
            error("source", "is required: {\"type\": \"file\", \"path\": ...} or {\"type\": \"octavia\", ...}");
            return null;
        }
        JsonObject o = value.asObject();
        String type = string(o, "source", "type", "");
        long interval = Math.round(number(o, "source", "interval", type.equals("octavia") ? 10 : 1) * 1000);
        if (interval < 100 || interval > 3_600_000) {
            error("source.interval", "interval must be 0.1-3600 seconds");
        }
        switch (type) {
            case "file" -> {
                unknown(o, "source", Set.of("type", "path", "interval"));
                String path = string(o, "source", "path", null);
                if (path == null) {
                    error("source.path", "is required");
                }
                return new HubConfig.FileSourceConfig(path, interval);
            }
            case "octavia" -> {
                unknown(o, "source", Set.of("type", "url", "auth", "interval", "tag_prefix", "listener_address",
                        "region", "provider"));
                HubConfig.OctaviaAuth auth = auth(o.get("auth"));
                String url = string(o, "source", "url", null);
                if (url == null && (auth == null || auth.type().equals(HubConfig.OctaviaAuth.NONE))) {
                    error("source.url", "is required without Keystone (there is no catalog to ask)");
                }
                String provider = string(o, "source", "provider", HubConfig.DEFAULT_PROVIDER);
                if (!provider.matches("[A-Za-z0-9_.-]{1,64}")) {
                    error("source.provider", "'" + provider + "' is not an Octavia provider name ([A-Za-z0-9_.-]{1,64})");
                }
                return new HubConfig.OctaviaSourceConfig(url == null ? null : url.replaceAll("/+$", ""), auth,
                        interval, string(o, "source", "tag_prefix", "edgelb:"),
                        string(o, "source", "listener_address", "vip"), string(o, "source", "region", null), provider);
            }
            default -> {
                error("source.type", "type '" + type + "' is unknown (expected file or octavia)");
                return null;
            }
        }
    }

    private HubConfig.OctaviaAuth auth(JsonValue value) {
        if (value == null) {
            return new HubConfig.OctaviaAuth(HubConfig.OctaviaAuth.NONE, null, null, null, null, null, null, null,
                    null);
        }
        if (!value.isObject()) {
            error("source.auth", "is not an object");
            return null;
        }
        JsonObject o = value.asObject();
        String at = "source.auth";
        unknown(o, at, Set.of("type", "auth_url", "username", "password", "user_domain_name", "project_name",
                "project_domain_name", "application_credential_id", "application_credential_secret"));
        String type = string(o, at, "type", HubConfig.OctaviaAuth.NONE);
        String authUrl = string(o, at, "auth_url", null);
        HubConfig.OctaviaAuth auth = new HubConfig.OctaviaAuth(type, authUrl == null ? null : authUrl.replaceAll("/+$", ""),
                string(o, at, "username", null), string(o, at, "password", null),
                string(o, at, "user_domain_name", "Default"), string(o, at, "project_name", null),
                string(o, at, "project_domain_name", "Default"), string(o, at, "application_credential_id", null),
                string(o, at, "application_credential_secret", null));
        switch (type) {
            case HubConfig.OctaviaAuth.NONE -> {
            }
            case HubConfig.OctaviaAuth.PASSWORD -> require(at, auth.authUrl(), "auth_url", auth.username(), "username",
                    auth.password(), "password", auth.projectName(), "project_name");
            case HubConfig.OctaviaAuth.APPLICATION_CREDENTIAL -> require(at, auth.authUrl(), "auth_url",
                    auth.credentialId(), "application_credential_id", auth.credentialSecret(),
                    "application_credential_secret");
            default -> error(at + ".type", "type '" + type + "' is unknown (expected none, password or"
                    + " application_credential)");
        }
        return auth;
    }

    private void require(String at, String... valueAndName) {
        for (int i = 0; i < valueAndName.length; i += 2) {
            if (valueAndName[i] == null) {
                error(at + "." + valueAndName[i + 1], "is required");
            }
        }
    }

    private void unknown(JsonObject o, String at, Set<String> known) {
        for (String name : o.names()) {
            if (!known.contains(name)) {
                error(at.isEmpty() ? name : at + "." + name, "unknown field");
            }
        }
    }

    private String string(JsonObject o, String at, String name, String fallback) {
        JsonValue v = o.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isString()) {
            error(at.isEmpty() ? name : at + "." + name, "is not a string");
            return fallback;
        }
        return v.asString();
    }

    private double number(JsonObject o, String at, String name, double fallback) {
        JsonValue v = o.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            error(at.isEmpty() ? name : at + "." + name, "is not a number");
            return fallback;
        }
        return v.asDouble();
    }

    private void error(String at, String message) {
        errors.add(file + ": " + (at.isEmpty() ? "" : at + ": ") + message);
    }

    /** The config file cannot be used; the message lists why, one problem per line. */
    public static final class InvalidConfigException extends Exception {
        public InvalidConfigException(String message) {
            super(message);
        }
    }
}
