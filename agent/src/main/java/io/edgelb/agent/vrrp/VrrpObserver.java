package io.edgelb.agent.vrrp;

import io.edgelb.model.Config;
import io.edgelb.model.Listener;
import io.edgelb.model.VrrpInstance;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Tells MASTER from BACKUP by what keepalived does, not by what it says: a router is master of an
 * instance while one of its VIPs is on the instance's device. That needs no notify script and reads
 * the same on OpenWrt and plain Linux. Sampled twice a second; transitions are logged and counted.
 *
 * <p>Threads: {@link #observe} runs on the agent's control thread, which owns {@link #tracks};
 * {@link #statuses} is one immutable list, published after each sample, for the API threads.
 */
public final class VrrpObserver {
    public static final long INTERVAL_MS = 500;

    private record Track(VrrpStatus.State state, long sinceMillis, int transitions) {
    }

    private final Map<String, Track> tracks = new HashMap<>();
    private volatile List<VrrpStatus> statuses = List.of();

    /** Control thread: one sample of every enabled instance of {@code config}. */
    public void observe(Config config, Map<String, Boolean> health, long nowMillis) {
        List<VrrpStatus> next = new ArrayList<>();
        Map<String, Track> seen = new HashMap<>();
        for (VrrpInstance vrrp : config.vrrps().values()) {
            if (!vrrp.enabled()) {
                continue;
            }
            boolean healthy = health.getOrDefault(vrrp.id(), false);
            String[] reason = new String[1];
            VrrpStatus.State state = sample(vrrp, healthy, reason);
            Track before = tracks.get(vrrp.id());
            Track track;
            if (before == null) {
                Logger.info("vrrp '{}': {} ({})", vrrp.id(), state, reason[0]);
                track = new Track(state, 0, 0);
            } else if (before.state() != state) {
                Logger.info("vrrp '{}': {} -> {} ({})", vrrp.id(), before.state(), state, reason[0]);
                track = new Track(state, nowMillis, before.transitions() + 1);
            } else {
                track = before;
            }
            seen.put(vrrp.id(), track);
            next.add(new VrrpStatus(vrrp.id(), state, track.sinceMillis(), track.transitions(), vrrp.device(),
                    vrrp.virtualRouterId(), vrrp.priority(), vrrp.vips(),
                    vrrp.followers(config).stream().map(Listener::id).toList(), healthy, reason[0]));
        }
        tracks.clear();
        tracks.putAll(seen);
        statuses = List.copyOf(next);
    }

    private static VrrpStatus.State sample(VrrpInstance vrrp, boolean healthy, String[] reason) {
        NetworkInterface device;
        try {
            device = NetworkInterface.getByName(vrrp.device());
            if (device != null && holdsVip(device, vrrp.ownDeviceVips())) {
                reason[0] = healthy ? "holds the VIPs" : "holds the VIPs, giving them up: no listener on them can serve";
                return VrrpStatus.State.MASTER;
            }
            if (device == null || !device.isUp()) {
                reason[0] = "device " + vrrp.device() + (device == null ? " does not exist" : " is down");
                return VrrpStatus.State.FAULT;
            }
        } catch (SocketException e) {
            reason[0] = "cannot read device " + vrrp.device() + ": " + e.getMessage();
            return VrrpStatus.State.FAULT;
        }
        if (!healthy) {
            reason[0] = "no listener on the VIPs has a member up";
            return VrrpStatus.State.FAULT;
        }
        reason[0] = "ready; another router holds the VIPs";
        return VrrpStatus.State.BACKUP;
    }

    /** keepalived may label VIPs ({@code eth1:vip}): Java shows labelled addresses as sub-interfaces. */
    private static boolean holdsVip(NetworkInterface device, List<InetAddress> vips) {
        for (InetAddress address : java.util.Collections.list(device.getInetAddresses())) {
            if (vips.contains(address)) {
                return true;
            }
        }
        for (NetworkInterface sub : java.util.Collections.list(device.getSubInterfaces())) {
            if (holdsVip(sub, vips)) {
                return true;
            }
        }
        return false;
    }

    /** Any thread: the last sample. */
    public List<VrrpStatus> statuses() {
        return statuses;
    }
}
