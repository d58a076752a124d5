package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.Problem;
import io.edgelb.model.json.ConfigJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Desired state from Octavia, polled (Octavia has no watch API): every interval it lists load
 * balancers, listeners, pools, health monitors and the members of tagged load balancers' pools,
 * maps them ({@link OctaviaMapper}) and hands the complete result to the registry, which diffs it
 * per agent. A failed poll changes nothing; an agent whose mapped state is invalid keeps its last
 * good one, and the problems are logged by JSON path.
 */
public final class OctaviaSource implements DesiredStateSource {
    private final HubConfig.OctaviaSourceConfig config;
    private final OctaviaClient client;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private AgentRegistry registry;
    private Map<String, JsonObject> remembered = new HashMap<>();
    private final Map<String, Config> lastGood = new HashMap<>();
    private Set<String> lastNotes = Set.of();
    private ZoneAgents zones;
    private volatile long lastSuccess;
    private volatile long failures;
    private boolean failing;
    /** Created by start; then owned as its own class says (synchronized). */
    private volatile ProviderStatusBook book;
    private final ChangePolls changePolls;

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
    }

    /** The status of provider-owned load balancers; null before start. */
    public ProviderStatusBook book() {
        return book;
    }

    /**
     * A provider driver said something changed: poll soon, and again a little later (Octavia
     * commits after it called the driver). Coalesced; polls run on the one source thread.
     */
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

    private void poll() {
        polls++;
        changePolls.started();
        try {
            OctaviaObjects objects = fetch();
            OctaviaMapper mapper = new OctaviaMapper(config.tagPrefix(), config.listenerAddress(), remembered,
                    config.provider(), zones);
            Map<String, Config> mapped = mapper.map(objects);
            remembered = mapper.remembered();
            Set<String> notes = new LinkedHashSet<>(mapper.notes());
            Map<String, Config> states = new LinkedHashMap<>();
            Map<String, String> hubRefusals = new HashMap<>();
            for (Map.Entry<String, Config> entry : mapped.entrySet()) {
                String agent = entry.getKey();
                List<Problem> problems = ConfigValidator.validate(entry.getValue());
                if (ConfigValidator.hasErrors(problems)) {
                    problems.stream().filter(Problem::isError).forEach(p -> notes.add("agent " + agent + ": "
                            + ConfigJson.pathOf("", p) + ": " + p.message() + " (its last good state stays)"));
                    problems.stream().filter(Problem::isError).findFirst().ifPresent(p -> hubRefusals.put(agent,
                            ConfigJson.pathOf("", p) + ": " + p.message()));
                    if (lastGood.containsKey(agent)) {
                        states.put(agent, lastGood.get(agent));
                    }
                    continue;
                }
                if (!registry.agents().contains(agent)) {
                    notes.add("agent " + agent + " is tagged in Octavia but not in the hub's agents allow-list");
                }
                states.put(agent, entry.getValue());
            }
            lastGood.clear();
            lastGood.putAll(states);
            if (!notes.equals(lastNotes)) {
                notes.forEach(n -> Logger.warn("octavia: {}", n));
                lastNotes = notes;
            }
            registry.replaceAll(states);
            book.update(mapper.view(), hubRefusals);
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

    private OctaviaObjects fetch() throws IOException, InterruptedException {
        List<JsonObject> lbs = client.list("loadbalancers", "loadbalancers", OctaviaObjects.LB_FIELDS);
        List<JsonObject> listeners = client.list("listeners", "listeners", OctaviaObjects.LISTENER_FIELDS);
        List<JsonObject> pools = client.list("pools", "pools", OctaviaObjects.POOL_FIELDS);
        List<JsonObject> monitors = client.list("healthmonitors", "healthmonitors", OctaviaObjects.MONITOR_FIELDS);
        OctaviaMapper probe = new OctaviaMapper(config.tagPrefix(), config.listenerAddress(), Map.of(),
                config.provider(), null);
        Set<String> tagged = new java.util.HashSet<>();
        boolean zoned = false;
        for (JsonObject lb : lbs) {
            if (!probe.agentsOf(lb).isEmpty() || probe.owns(lb)) {
                tagged.add(lb.getString("id", ""));
                zoned |= probe.owns(lb) && lb.get("availability_zone") != null && lb.get("availability_zone").isString();
            }
        }
        zones = zoned ? new ZoneAgents(
                client.list("availabilityzones", "availability_zones", "name", "availability_zone_profile_id"),
                client.list("availabilityzoneprofiles", "availability_zone_profiles", "id", "provider_name",
                        "availability_zone_data"), config.provider()) : null;
        Map<String, List<JsonObject>> members = new HashMap<>();
        for (JsonObject pool : pools) {
            boolean wanted = pool.get("loadbalancers") != null && pool.get("loadbalancers").isArray()
                    && pool.get("loadbalancers").asArray().values().stream()
                    .anyMatch(lb -> lb.isObject() && tagged.contains(lb.asObject().getString("id", "")));
            if (wanted) {
                String id = pool.getString("id", "");
                members.put(id, client.list("pools/" + id + "/members", "members", OctaviaObjects.MEMBER_FIELDS));
            }
        }
        return new OctaviaObjects(lbs, listeners, pools, members, monitors);
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
    }
}
