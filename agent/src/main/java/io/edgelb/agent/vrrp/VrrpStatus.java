package io.edgelb.agent.vrrp;

import java.util.List;

/**
 * One VRRP instance as this router sees it: {@code MASTER} while a VIP is on the device,
 * {@code FAULT} while the device is missing or down or no listener on the VIP can serve (keepalived
 * is then told to give the VIP up), {@code BACKUP} otherwise. {@code sinceMillis} is when the state
 * was first seen (0: since the agent started).
 */
public record VrrpStatus(String id, State state, long sinceMillis, int transitions, String device,
                         int virtualRouterId, int priority, List<String> vips, List<String> listeners,
                         boolean healthy, String reason) {
    public enum State { MASTER, BACKUP, FAULT }

    public VrrpStatus {
        vips = List.copyOf(vips);
        listeners = List.copyOf(listeners);
    }
}
