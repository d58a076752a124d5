package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.model.Config;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Desired state from Octavia, polled (Octavia has no watch API): every interval it lists load
 * balancers, listeners, pools, health monitors and the members of tagged load balancers' pools,
 * maps them ({@link OctaviaMapper}) and hands the complete result to the registry, which diffs it
 * per agent. A failed poll changes nothing; a load balancer whose part would make an agent's state
 * invalid is held at its last good version or left out on that agent
 * ({@link RouterStateAssembler}), and the problem is logged by JSON path.
 */
public final class OctaviaSource implements DesiredStateSource {
    private final HubConfig.OctaviaSourceConfig config;
    private final OctaviaClient client;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private AgentRegistry registry;
    private Map<String, JsonObject> remembered = new HashMap<>();
    private final RouterStateAssembler assembler = new RouterStateAssembler();
    private Set<String> lastNotes = Set.of();
    private volatile long lastSuccess;
    private volatile long failures;
    private boolean failing;
    /** Created by start; then owned as its own class says (synchronized). */
    private volatile ProviderStatusBook book;
    private final ChangePolls changePolls;
    /** The poll's Octavia requests, a few at a time (OctaviaFetch). */
    private final ExecutorService requests;
    /** Reads each poll's objects; owned by the poll thread, like its member cache. */
    private final OctaviaFetch fetch;

    public OctaviaSource(HubConfig.OctaviaSourceConfig config, LongSupplier clock) {
        this.config = config;
        this.client = new OctaviaClient(config, clock);
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "hub-octavia");
            thread.setDaemon(true);
            return thread;
        });
        this.changePolls = new ChangePolls(timer, this::poll, clock);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.requests = Executors.newFixedThreadPool(OctaviaFetch.PARALLEL, r -> {
            Thread thread = new Thread(r, "hub-octavia-read-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.fetch = new OctaviaFetch(client, requests, new MemberCache(clock), new OctaviaMapper(
                config.tagPrefix(), config.listenerAddress(), Map.of(), config.provider(), null));
    }

    /** The status of provider-owned load balancers; null before start. */
    public ProviderStatusBook book() {
        return book;
    }

    /**
     * A provider driver said something changed: poll soon, and again a little later (Octavia
     * commits after it called the driver). Coalesced; polls run on the one source thread.
     */
    /** {@code openstack loadbalancer failover} on a router pair: the routers swap roles at the next poll. */
    public void failover(String loadBalancerId) {
        pairs.failover(loadBalancerId);
        changed();
    }

    public void changed() {
        changePolls.request();
    }

    /** Change polls requested and not yet run (for tests and metrics). */
    public int pendingChangePolls() {
        return changePolls.pending();
    }

    /** Polls run since start. */
    public long polls() {
        return polls;
    }

    @Override
    public String describe() {
        return client.describe();
    }

    @Override
    public void start(AgentRegistry registry) {
        this.registry = registry;
        this.book = new ProviderStatusBook(registry, clock);
        timer.scheduleWithFixedDelay(this::poll, 0, config.intervalMs(), TimeUnit.MILLISECONDS);
    }

    private volatile long polls;
    /** Roles of router pairs (ACTIVE_STANDBY); failovers come from API threads. */
    private final RouterPairs pairs = new RouterPairs();

    private void poll() {
        polls++;
        changePolls.started();
        long started = System.nanoTime();
        try {
            OctaviaFetch.Result fetched = fetch.fetch(config.provider());
            OctaviaObjects objects = fetched.objects();
            long readAt = System.nanoTime();
            OctaviaMapper mapper = new OctaviaMapper(config.tagPrefix(), config.listenerAddress(), remembered,
                    config.provider(), fetched.zones(), pairs);
            Map<String, Map<String, Config>> parts = mapper.map(objects);
            remembered = mapper.remembered();
            Set<String> notes = new LinkedHashSet<>(mapper.notes());
            Map<String, Config> states = new LinkedHashMap<>();
            Map<String, Map<String, String>> hubRefusals = new HashMap<>();
            for (Map.Entry<String, Map<String, Config>> entry : parts.entrySet()) {
                String agent = entry.getKey();
                RouterStateAssembler.Result assembled = assembler.assemble(agent, entry.getValue());
                assembled.refused().forEach((lb, why) -> notes.add("agent " + agent + ": loadbalancer " + lb + ": "
                        + why));
                if (!assembled.refused().isEmpty()) {
                    hubRefusals.put(agent, assembled.refused());
                }
                if (!registry.agents().contains(agent)) {
                    notes.add("agent " + agent + " is tagged in Octavia but not in the hub's agents allow-list");
                }
                states.put(agent, assembled.state());
            }
            assembler.retain(states.keySet());
            if (!notes.equals(lastNotes)) {
                notes.forEach(n -> Logger.warn("octavia: {}", n));
                lastNotes = notes;
            }
            registry.replaceAll(states);
            book.update(mapper.view(), hubRefusals);
            Logger.debug("octavia: poll {}: fetched in {} ms, mapped and handed over in {} ms", polls,
                    (readAt - started) / 1_000_000, (System.nanoTime() - readAt) / 1_000_000);
            lastSuccess = clock.getAsLong();
            if (failing) {
                Logger.info("octavia: polling works again");
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            failures++;
            if (!failing) {
                Logger.error("octavia: poll failed, the last state stays in force: {}", e.getMessage());
                failing = true;
            } else {
                Logger.debug("octavia: poll failed again: {}", e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long lastSuccessAgeMs(long now) {
        return lastSuccess == 0 ? -1 : now - lastSuccess;
    }

    @Override
    public long failures() {
        return failures;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        requests.shutdownNow();
    }
}
