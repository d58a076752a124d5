package io.edgelb.agent.reconcile;

import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.relay.RelayServer;
import io.edgelb.model.Listener;
import io.edgelb.model.IpLiteral;
import io.netty.channel.ServerChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * The listening sockets of relay listeners, keyed by listener id. A change is made in two steps so
 * that a failed bind changes nothing: {@link #prepare} opens every new socket first (a listener
 * whose port changed listens on both for a moment, so no client is refused), then {@link #commit}
 * closes the sockets that are no longer wanted, or {@link #abort} closes the new ones.
 *
 * <p>Threading: control thread only.
 */
final class ListenerSockets {
    private final RelayServer server;
    private final Map<String, Bound> bound = new HashMap<>();
    // The change being prepared:
    private Map<String, Bound> opened = Map.of();
    private List<String> toClose = List.of();
    private List<String> closedEarly = new ArrayList<>();
    private Map<String, ListenerRuntime> current = Map.of();
    /** Listener ids on a VRRP VIP: they bind with IP_FREEBIND (the VIP may be on the other router). */
    private java.util.Set<String> onVip = java.util.Set.of();
    private java.util.Set<String> onVipBefore = java.util.Set.of();

    private record Bound(String bindKey, ServerChannel channel) {
    }

    ListenerSockets(RelayServer server) {
        this.server = server;
    }

    /**
     * Opens sockets for every wanted listener not yet bound at its address and port. When a new bind
     * collides with a socket this change closes anyway (same port; the address changed to or from a
     * wildcard, or the listener was renamed), that socket is closed first and re-opened if the
     * change fails. {@code running} are the runtimes the current sockets serve.
     */
    void prepare(Map<String, ListenerRuntime> wanted, Map<String, Listener> settings,
                 Map<String, ListenerRuntime> running, java.util.Set<String> nextOnVip) throws RelayServer.BindException {
        onVipBefore = onVip;
        onVip = java.util.Set.copyOf(nextOnVip);
        opened = new LinkedHashMap<>();
        toClose = new ArrayList<>();
        closedEarly = new ArrayList<>();
        current = running;
        for (Map.Entry<String, Bound> entry : bound.entrySet()) {
            Listener next = wanted.containsKey(entry.getKey()) ? settings.get(entry.getKey()) : null;
            if (next == null || !bindKey(next).equals(entry.getValue().bindKey())) {
                toClose.add(entry.getKey());
            }
        }
        try {
            for (Map.Entry<String, ListenerRuntime> entry : wanted.entrySet()) {
                Listener next = settings.get(entry.getKey());
                String key = bindKey(next);
                Bound existing = bound.get(entry.getKey());
                if (existing == null || !existing.bindKey().equals(key)) {
                    opened.put(entry.getKey(), new Bound(key, bindMakingRoom(entry.getValue(), next)));
                }
            }
        } catch (RelayServer.BindException e) {
            abort();
            throw e;
        }
    }

    private ServerChannel bindMakingRoom(ListenerRuntime listener, Listener settings)
            throws RelayServer.BindException {
        try {
            return server.bind(listener, settings, onVip.contains(settings.id()));
        } catch (RelayServer.BindException first) {
            List<String> blockers = new ArrayList<>();
            for (String id : toClose) {
                if (!closedEarly.contains(id) && bound.get(id).bindKey().endsWith(":" + settings.port())) {
                    blockers.add(id);
                }
            }
            if (blockers.isEmpty()) {
                throw first;
            }
            for (String id : blockers) {
                Logger.info("listener '{}': closing {} first, its replacement needs the same port", id,
                        bound.get(id).bindKey());
                bound.get(id).channel().close().syncUninterruptibly();
                closedEarly.add(id);
            }
            return server.bind(listener, settings, onVip.contains(settings.id()));
        }
    }

    /** Closes what the prepared change no longer wants and keeps the new sockets. */
    void commit() {
        for (String id : toClose) {
            Bound old = bound.remove(id);
            if (!closedEarly.contains(id)) {
                // Wait for it: once apply() returns, the old port is gone (a reload reports the truth).
                old.channel().close().syncUninterruptibly();
            }
        }
        bound.putAll(opened);
        reset();
    }

    /** Undoes a prepared change: closes its new sockets and re-opens those it closed early. */
    void abort() {
        onVip = onVipBefore;
        opened.values().forEach(b -> b.channel().close().syncUninterruptibly());
        for (String id : closedEarly) {
            ListenerRuntime runtime = current.get(id);
            try {
                bound.put(id, new Bound(bound.get(id).bindKey(),
                        server.bind(runtime, runtime.settings(), onVip.contains(id))));
            } catch (RelayServer.BindException e) {
                Logger.error("could not re-open {} after a failed change: {}", bound.get(id).bindKey(), e.getMessage());
                bound.remove(id);
            }
        }
        reset();
    }

    private void reset() {
        opened = Map.of();
        toClose = List.of();
        closedEarly = new ArrayList<>();
        current = Map.of();
    }

    /** Stops accepting on every socket (shutdown). */
    void closeAll() {
        bound.values().forEach(b -> b.channel().close().syncUninterruptibly());
        bound.clear();
    }

    /** The listening sockets, for a hand-off to the next agent at shutdown. */
    List<ServerChannel> channels() {
        return bound.values().stream().map(Bound::channel).toList();
    }

    /** The address each socket really has (its port when the configuration said 0): a copy to publish. */
    Map<String, java.net.InetSocketAddress> boundAddresses() {
        Map<String, java.net.InetSocketAddress> addresses = new LinkedHashMap<>();
        bound.forEach((id, b) -> addresses.put(id, (java.net.InetSocketAddress) b.channel().localAddress()));
        return java.util.Collections.unmodifiableMap(addresses);
    }

    private static String bindKey(Listener listener) {
        return IpLiteral.forHostPort(IpLiteral.parse(listener.address())) + ":" + listener.port();
    }
}
