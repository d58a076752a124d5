package io.edgelb.uci.system;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.KeepalivedSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses the appliers for this system: netifd on OpenWrt ({@code /etc/openwrt_release} exists),
 * iproute2 elsewhere; for DNAT fw4 when OpenWrt's firewall4 is installed, plain nftables when
 * {@code nft} exists, else iptables with ipset; for keepalived OpenWrt's UCI file on OpenWrt, a
 * keepalived.conf include elsewhere. The agent options {@code network}, {@code firewall} and
 * {@code keepalived} force a choice.
 */
public final class SystemDetection {
    static final Path OPENWRT_RELEASE = Path.of("/etc/openwrt_release");
    static final Path CONFIG_DIR = Path.of("/etc/config");

    private final CommandRunner runner;
    private final Path openwrtRelease;
    private final Path configDir;

    public SystemDetection(CommandRunner runner) {
        this(runner, OPENWRT_RELEASE, CONFIG_DIR);
    }

    SystemDetection(CommandRunner runner, Path openwrtRelease, Path configDir) {
        this.runner = runner;
        this.openwrtRelease = openwrtRelease;
        this.configDir = configDir;
    }

    public SystemApplier applier(AgentSettings settings) {
        Path stateDir = Path.of(settings.stateDir());
        return SystemApplier.create(vxlan(settings.network(), stateDir), dnat(settings.firewall(), stateDir),
                new VrrpSystem(keepalived(settings.keepalived(), stateDir),
                        new VrrpHealthFiles(stateDir, ProcessHandle.current().pid())));
    }

    KeepalivedWriter keepalived(KeepalivedSettings settings, Path stateDir) {
        boolean uci = switch (settings.mode()) {
            case "uci" -> true;
            case "conf" -> false;
            default -> Files.exists(openwrtRelease);
        };
        return uci ? new KeepalivedUciWriter(runner, configDir, stateDir.resolve("uci"))
                : new KeepalivedConfWriter(runner, Path.of(settings.confFile()), Path.of(settings.pidFile()));
    }

    VxlanApplier vxlan(String choice, Path stateDir) {
        boolean netifd = switch (choice) {
            case "netifd" -> true;
            case "iproute2" -> false;
            default -> Files.exists(openwrtRelease);
        };
        return netifd ? new NetifdVxlanApplier(runner, configDir, stateDir.resolve("uci"))
                : new Iproute2VxlanApplier(runner);
    }

    DnatBackend dnat(String choice, Path stateDir) {
        return switch (choice) {
            case "fw4" -> new NftDnatBackend(runner, stateDir, true);
            case "nftables" -> new NftDnatBackend(runner, stateDir, false);
            case "iptables" -> new IptablesDnatBackend(runner, stateDir);
            default -> {
                if (runner.available("fw4")) {
                    yield new NftDnatBackend(runner, stateDir, true);
                }
                if (runner.available("nft") || !runner.available("iptables")) {
                    yield new NftDnatBackend(runner, stateDir, false);
                }
                yield new IptablesDnatBackend(runner, stateDir);
            }
        };
    }
}
