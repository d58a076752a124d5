package io.edgelb.uci.system;

import io.edgelb.model.Vip;
import io.edgelb.model.VrrpInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.tinylog.Logger;

/**
 * VRRP instances for a plain Linux keepalived: edgelb owns one file (default
 * {@code /etc/keepalived/edgelb.conf}) that the system's keepalived.conf includes, and sends SIGHUP
 * to the keepalived whose pid is in the pid file when the file changed. The rest of keepalived's
 * configuration (global_defs, other instances) stays the operator's. Threads: control thread only.
 */
public final class KeepalivedConfWriter implements KeepalivedWriter {
    private final CommandRunner runner;
    private final Path file;
    private final Path pidFile;

    public KeepalivedConfWriter(CommandRunner runner, Path file, Path pidFile) {
        this.runner = runner;
        this.file = file;
        this.pidFile = pidFile;
    }

    @Override
    public String name() {
        return "conf";
    }

    @Override
    public void apply(List<VrrpInstance> instances, VrrpHealthFiles health) throws SystemCommandException {
        String text = render(instances, health);
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                return;
            }
            if (instances.isEmpty() && !Files.exists(file)) {
                return;
            }
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new SystemCommandException(List.of("read", file.toString()), e.toString());
        }
        OwnedUciSections.writeFile(file, text.getBytes(StandardCharsets.UTF_8));
        Logger.info("{}: {} VRRP instance(s) written", file, instances.size());
        reload();
    }

    private void reload() throws SystemCommandException {
        String pid;
        try {
            pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            Logger.warn("keepalived is not running (no {}): the VIPs are held once it starts"
                    + " (its keepalived.conf must include {})", pidFile, file);
            return;
        } catch (IOException e) {
            throw new SystemCommandException(List.of("read", pidFile.toString()), e.toString());
        }
        if (!pid.matches("[1-9][0-9]{0,9}")) {
            throw new SystemCommandException(List.of("read", pidFile.toString()), "'" + pid + "' is not a pid");
        }
        runner.run(List.of("kill", "-HUP", pid));
    }

    /** The include, in keepalived.conf syntax; only validated values reach it. */
    static String render(List<VrrpInstance> instances, VrrpHealthFiles health) {
        StringBuilder out = new StringBuilder("# Written by edgelb from its config vrrp sections; edits here are"
                + " overwritten.\n");
        for (VrrpInstance vrrp : instances) {
            String name = KeepalivedWriter.instanceName(vrrp);
            out.append("\nvrrp_script ").append(name).append(" {\n")
                    .append("\tscript \"").append(health.checkCommand(vrrp.id())).append("\"\n")
                    .append("\tinterval ").append(KeepalivedInstances.CHECK_INTERVAL_S).append('\n')
                    .append("\tfall ").append(KeepalivedInstances.CHECK_FALL).append('\n')
                    .append("\trise ").append(KeepalivedInstances.CHECK_RISE).append("\n}\n");
            out.append("\nvrrp_instance ").append(name).append(" {\n")
                    .append("\tstate BACKUP\n")
                    .append("\tinterface ").append(vrrp.device()).append('\n')
                    .append("\tvirtual_router_id ").append(vrrp.virtualRouterId()).append('\n')
                    .append("\tversion ").append(vrrp.version()).append('\n')
                    .append("\tpriority ").append(vrrp.priority()).append('\n')
                    .append("\tadvert_int ").append(KeepalivedWriter.seconds(vrrp.advertIntMs())).append('\n');
            if (vrrp.nopreempt()) {
                out.append("\tnopreempt\n");
            } else if (vrrp.preemptDelayMs() > 0) {
                out.append("\tpreempt_delay ").append(vrrp.preemptDelayMs() / 1000).append('\n');
            }
            if (vrrp.authPass() != null) {
                out.append("\tauthentication {\n\t\tauth_type PASS\n\t\tauth_pass ").append(vrrp.authPass())
                        .append("\n\t}\n");
            }
            if (KeepalivedInstances.sourceIp(vrrp) != null) {
                out.append("\tunicast_src_ip ").append(KeepalivedInstances.sourceIp(vrrp)).append('\n');
            }
            block(out, "unicast_peer", KeepalivedInstances.peers(vrrp));
            block(out, "virtual_ipaddress", KeepalivedInstances.advertised(vrrp).stream().map(Vip::keepalivedText).toList());
            block(out, "virtual_ipaddress_excluded",
                    KeepalivedInstances.excluded(vrrp).stream().map(Vip::keepalivedText).toList());
            block(out, "track_script", List.of(name));
            out.append("}\n");
        }
        return out.toString();
    }

    private static void block(StringBuilder out, String name, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        out.append('\t').append(name).append(" {\n");
        lines.forEach(line -> out.append("\t\t").append(line).append('\n'));
        out.append("\t}\n");
    }
}
