package io.edgelb.agent.cli;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.daemon.Logging;
import io.edgelb.model.io.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders {@code /api/status} as the table {@code edgelb status} prints, relayctl-style. */
final class StatusTable {
    /** Longest value printed in one cell or header field; the middle of a longer one is cut out. */
    private static final int MAX_CELL = 120;

    private StatusTable() {
    }

    static String render(JsonObject status) {
        StringBuilder out = new StringBuilder();
        JsonObject reload = status.get("last_reload").asObject();
        boolean reloadOk = reload.getBoolean("ok", true);
        out.append("edgelb ").append(esc(status.getString("version", "?")))
                .append("  transport ").append(esc(status.getString("transport", "?")))
                .append("  generation ").append(status.getLong("generation", 0))
                .append("  up ").append(duration(status.getLong("uptime_seconds", 0)))
                .append("  config ").append(esc(status.getString("config", "?"))).append('\n');
        if (!reloadOk) {
            out.append("LAST RELOAD FAILED (still serving generation ").append(status.getLong("generation", 0))
                    .append("):\n");
            List<String> errors = new ArrayList<>();
            for (JsonValue error : reload.get("errors").asArray()) {
                errors.add(error.isString() ? error.asString() : error.toString());
            }
            for (String line : Logging.firstLines(errors)) {
                out.append("  ").append(line).append('\n');
            }
        }
        out.append('\n');

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LISTENER", "ADDRESS", "MODE", "POOL", "STATE", "ACTIVE", "TOTAL", "REJECTED", "IN",
            "OUT"});
        for (JsonValue value : status.get("listeners").asArray()) {
            JsonObject l = value.asObject();
            JsonObject rejected = l.get("rejected_connections").asObject();
            long rejectedTotal = 0;
            for (JsonObject.Member m : rejected) {
                rejectedTotal += m.getValue().asLong();
            }
            rows.add(new String[] {l.getString("id", ""), hostPort(l.getString("address", ""), l.getInt("port", 0)),
                l.getString("mode", ""), text(l.get("pool")), l.getString("state", ""),
                Long.toString(l.getLong("active_connections", 0)), Long.toString(l.getLong("total_connections", 0)),
                Long.toString(rejectedTotal), bytes(l.getLong("bytes_in", 0)), bytes(l.getLong("bytes_out", 0))});
        }
        table(out, rows, "");
        vrrp(out, status.get("vrrp"), status.getLong("uptime_seconds", 0) + status.getLong("started_at", 0));

        for (JsonValue value : status.get("pools").asArray()) {
            JsonObject pool = value.asObject();
            out.append('\n').append("POOL ").append(esc(pool.getString("id", ""))).append("  ")
                    .append(esc(pool.getString("operating_status", ""))).append("  ")
                    .append(esc(pool.getString("lb_algorithm", ""))).append(", ")
                    .append(esc(pool.getString("protocol", "")));
            JsonValue monitor = pool.get("healthmonitor");
            out.append(monitor == null || monitor.isNull() ? ", no health monitor" : ", monitor " + esc(monitor.asString()));
            out.append('\n');
            List<String[]> members = new ArrayList<>();
            members.add(new String[] {"MEMBER", "ADDRESS", "WEIGHT", "STATUS", "ACTIVE", "TOTAL", "FAILED", "LAST CHECK"});
            for (JsonValue m : pool.get("members").asArray()) {
                members.add(memberRow(m.asObject()));
            }
            table(out, members, "  ");
        }
        return out.toString();
    }

    /** The VRRP instances, when there are any: state, since when, and why. */
    private static void vrrp(StringBuilder out, JsonValue vrrp, long nowSeconds) {
        if (vrrp == null || !vrrp.isArray() || vrrp.asArray().isEmpty()) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VRRP", "STATE", "SINCE", "DEVICE", "VRID", "PRIORITY", "VIPS", "WHY"});
        for (JsonValue value : vrrp.asArray()) {
            JsonObject v = value.asObject();
            long since = v.getLong("since", 0);
            List<String> vips = new ArrayList<>();
            v.get("vips").asArray().forEach(vip -> vips.add(vip.asString()));
            rows.add(new String[] {v.getString("id", ""), v.getString("state", ""),
                since == 0 ? "start" : duration(nowSeconds - since) + " ago", v.getString("device", ""),
                Integer.toString(v.getInt("virtual_router_id", 0)), Integer.toString(v.getInt("priority", 0)),
                String.join(" ", vips), v.getString("reason", "")});
        }
        out.append('\n');
        table(out, rows, "");
    }

    private static String[] memberRow(JsonObject m) {
        String weight = Integer.toString(m.getInt("weight", 0)) + (m.getBoolean("backup", false) ? " backup" : "");
        JsonObject check = m.get("last_check").asObject();
        String last = check.isEmpty() ? "-" : check.getString("detail", "") + " ("
                + duration(Math.round(check.getDouble("age_seconds", 0))) + " ago)";
        return new String[] {m.getString("id", ""), hostPort(m.getString("address", ""), m.getInt("protocol_port", 0)),
            weight, m.getString("operating_status", ""), Long.toString(m.getLong("active_connections", 0)),
            Long.toString(m.getLong("total_connections", 0)), Long.toString(m.getLong("connect_failures", 0)), last};
    }

    private static void table(StringBuilder out, List<String[]> rows, String indent) {
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = esc(row[i]);
            }
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Every value from the API is printed through this: one line, control characters visible, bounded. */
    private static String esc(String value) {
        return Printable.line(value, MAX_CELL);
    }

    private static String hostPort(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    private static String text(JsonValue value) {
        return value == null || value.isNull() ? "-" : value.asString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + seconds % 60 + "s";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
        }
        return seconds / 86400 + "d" + seconds % 86400 / 3600 + "h";
    }
}
