package dev.gatehouse.server.usertypes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The features a user can be an agent of, with seed 003's multi-layer rule for each: primary, a
 * user whose type makes them an agent of the feature; secondary, the feature's
 * {@code *.act_as_agent} permission; tertiary, an internal user (holding the permission through a
 * tenant-wide assignment, not at one customer account) with one of the feature's fallback
 * permissions. {@code readers} are the permissions of whoever assigns that work (the seed's
 * StartTimerModal and ticket assignment): they, and the agents themselves, may read the list.
 */
public enum AgentType {
    TIMER("timers.act_as_agent", List.of("timers.manage"), List.of("timers.create", "timers.manage")),
    TICKET("tickets.act_as_agent", List.of("tickets.manage"), List.of("tickets.assign", "tickets.manage")),
    TIME("time.act_as_agent", List.of("time.approve"), List.of("time.approve", "timers.manage")),
    BILLING("billing.act_as_agent", List.of("billing.manage", "invoices.manage"),
            List.of("billing.manage", "invoices.manage"));

    private final String actAsAgent;
    private final List<String> fallbacks;
    private final List<String> readers;

    AgentType(String actAsAgent, List<String> fallbacks, List<String> readers) {
        this.actAsAgent = actAsAgent;
        this.fallbacks = fallbacks;
        this.readers = readers;
    }

    /** The key as the API spells it: {@code timer}, {@code ticket}, {@code time}, {@code billing}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String actAsAgent() {
        return actAsAgent;
    }

    public List<String> fallbacks() {
        return fallbacks;
    }

    /** Who may read the list besides its agents: the feature's assigners, and users.read / access.check holders. */
    public List<String> readers() {
        return readers;
    }

    public static Optional<AgentType> of(String key) {
        return Arrays.stream(values()).filter(type -> type.key().equals(key)).findFirst();
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(AgentType::key).toList();
    }
}
