package dev.gatehouse.server.usertypes;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's user types (seed 003: "User Type (determines base permissions)"). Reading them needs
 * {@code users.read}; defining one needs {@code roles.assign} and, for every base role, what giving
 * that role tenant-wide needs (nobody makes a type that hands out more than they hold). Each change
 * and its audit event commit together, with the re-granting of the type's users' base roles.
 */
@Service
public class UserTypes {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final int MAX_ROLES = 20;

    /** What POST and PUT take; on PUT the key comes from the path. */
    public record Request(@Nullable String key, @Nullable String name, @Nullable List<String> baseRoles,
            @Nullable List<String> agentTypes) {}

    private final UserTypeStore store;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    UserTypes(UserTypeStore store, Access access, Actors actors, AuditLog audit, ApplicationEventPublisher events,
            Clock clock) {
        this.store = store;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<UserType> list(Caller caller, TenantId tenant) {
        access.require(caller, "users.read", null);
        return store.all(tenant);
    }

    @Transactional(readOnly = true)
    public UserType get(Caller caller, TenantId tenant, String key) {
        access.require(caller, "users.read", null);
        return store.find(tenant, key).orElseThrow(() -> ApiException.notFound("user type " + key));
    }

    /** The type, for the users feature checking a user's type (no permission of its own: the caller's is checked there). */
    public Optional<UserType> find(TenantId tenant, String key) {
        return store.find(tenant, key);
    }

    /** The keys of the types that make their users agents of {@code type} (the seed's primary layer). */
    public List<String> agentTypesOf(TenantId tenant, AgentType type) {
        return store.all(tenant).stream().filter(found -> found.makesAgentOf(type)).map(UserType::key).toList();
    }

    @Transactional
    public UserType create(Caller caller, TenantId tenant, Request request, Origin origin) {
        access.require(caller, "roles.assign", null);
        List<FieldError> errors = new ArrayList<>();
        String key = request.key() == null ? null : request.key().strip();
        if (key == null || !KEY.matcher(key).matches()) {
            errors.add(new FieldError("key", "must be 1 to 64 lower-case letters, digits, _ or -, starting with a letter"));
        }
        Checked checked = check(tenant, request, errors);
        requireGivable(caller, checked.baseRoles());
        Instant now = clock.instant();
        if (!store.insert(tenant, key, checked.name(), checked.baseRoles(), checked.agentTypes(), now)) {
            throw ApiException.conflict("the user type " + key + " exists in this tenant");
        }
        audit.record(tenant, "USER_TYPE_CREATED", actors.actor(caller), target(key, checked.name()), origin.ip(),
                origin.userAgent(), Map.of("name", checked.name(), "baseRoles", checked.baseRoles(), "agentTypes",
                        checked.agentTypes()));
        return store.find(tenant, key).orElseThrow();
    }

    /** Replaces the type's name, base roles and agent types; its users' base roles follow in the same transaction. */
    @Transactional
    public UserType replace(Caller caller, TenantId tenant, String key, Request request, Origin origin) {
        access.require(caller, "roles.assign", null);
        UserType before = store.findForUpdate(tenant, key).orElseThrow(() -> ApiException.notFound("user type " + key));
        List<FieldError> errors = new ArrayList<>();
        if (request.key() != null && !request.key().strip().equals(key)) {
            errors.add(new FieldError("key", "cannot be changed"));
        }
        Checked checked = check(tenant, request, errors);
        // Taking a role away from the type's users is as much acting on their roles as giving one.
        LinkedHashSet<String> touched = new LinkedHashSet<>(before.baseRoles());
        touched.addAll(checked.baseRoles());
        touched.removeIf(role -> before.baseRoles().contains(role) && checked.baseRoles().contains(role));
        requireGivable(caller, List.copyOf(touched));
        store.update(tenant, key, checked.name(), checked.baseRoles(), checked.agentTypes(), clock.instant());
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!before.name().equals(checked.name())) {
            changes.put("name", Map.of("from", before.name(), "to", checked.name()));
        }
        if (!before.baseRoles().equals(checked.baseRoles())) {
            changes.put("baseRoles", Map.of("from", before.baseRoles(), "to", checked.baseRoles()));
        }
        if (!before.agentTypes().equals(checked.agentTypes())) {
            changes.put("agentTypes", Map.of("from", before.agentTypes(), "to", checked.agentTypes()));
        }
        if (!changes.isEmpty()) {
            audit.record(tenant, "USER_TYPE_UPDATED", actors.actor(caller), target(key, checked.name()), origin.ip(),
                    origin.userAgent(), Map.of("changes", changes));
        }
        if (!before.baseRoles().equals(checked.baseRoles())) {
            events.publishEvent(new UserTypeEvents.BaseRolesChanged(tenant, key, before.baseRoles(),
                    checked.baseRoles(), caller, origin));
        }
        return store.find(tenant, key).orElseThrow();
    }

    @Transactional
    public void delete(Caller caller, TenantId tenant, String key, Origin origin) {
        access.require(caller, "roles.assign", null);
        UserType type = store.findForUpdate(tenant, key).orElseThrow(() -> ApiException.notFound("user type " + key));
        events.publishEvent(new UserTypeEvents.Deleting(tenant, key));
        audit.record(tenant, "USER_TYPE_DELETED", actors.actor(caller), target(key, type.name()), origin.ip(),
                origin.userAgent(), Map.of("baseRoles", type.baseRoles(), "agentTypes", type.agentTypes()));
        store.delete(tenant, key);
    }

    /**
     * Giving a user this type gives its base roles tenant-wide: the caller must be allowed to give
     * each of them there and hold all they grant.
     */
    public void requireGivable(Caller caller, List<String> roles) {
        for (String role : roles) {
            access.require(caller, "roles.assign", Resource.of("role", role));
            List<String> beyond = access.grantsBeyondCaller(caller, role, null);
            if (!beyond.isEmpty()) {
                throw ApiException.forbidden("you cannot give role " + role + " tenant-wide: it grants "
                        + String.join(", ", beyond.subList(0, Math.min(5, beyond.size())))
                        + " beyond your own access");
            }
        }
    }

    private record Checked(String name, List<String> baseRoles, List<String> agentTypes) {}

    private Checked check(TenantId tenant, Request request, List<FieldError> errors) {
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 100) {
            errors.add(new FieldError("name", "must be 1 to 100 characters"));
        }
        List<String> roles = new ArrayList<>();
        List<String> asked = request.baseRoles() == null ? List.of() : request.baseRoles();
        if (asked.size() > MAX_ROLES) {
            errors.add(new FieldError("baseRoles", "may hold at most " + MAX_ROLES + " roles"));
        } else {
            for (int i = 0; i < asked.size(); i++) {
                String role = asked.get(i);
                if (role == null || policy.role(role.strip()).isEmpty()) {
                    errors.add(new FieldError("baseRoles[" + i + "]", "is not a role of this tenant"));
                } else if (roles.contains(role.strip())) {
                    errors.add(new FieldError("baseRoles[" + i + "]", "repeats an earlier role"));
                } else {
                    roles.add(role.strip());
                }
            }
        }
        List<String> agents = new ArrayList<>();
        List<String> askedAgents = request.agentTypes() == null ? List.of() : request.agentTypes();
        for (int i = 0; i < askedAgents.size(); i++) {
            String agent = askedAgents.get(i);
            if (agent == null || AgentType.of(agent.strip()).isEmpty()) {
                errors.add(new FieldError("agentTypes[" + i + "]", "must be one of " + String.join(", ",
                        AgentType.keys())));
            } else if (!agents.contains(agent.strip())) {
                agents.add(agent.strip());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new Checked(name, roles, agents);
    }

    private static AuditLog.Target target(String key, String name) {
        return new AuditLog.Target("user_type", key, name);
    }
}
