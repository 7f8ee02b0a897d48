package dev.gatehouse.server.ldap;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.identityproviders.Provisioning;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One sync of a tenant's directory into its users: everyone the directory lists is created (JIT on),
 * updated (names, mapped roles) or disabled (disabled there) through {@link Provisioning#sync}; a
 * person a complete read no longer lists is disabled, never deleted. The directory is read whole
 * before anything changes, so a directory that fails (down, refused bind, a bad base) changes nobody
 * — and an answer of nobody at all, where there were people, is taken for a misconfigured filter or
 * base, not for everyone having left. Each person is one transaction with their audit events; the
 * run's record and its LDAP_SYNC_COMPLETED or LDAP_SYNC_FAILED event another.
 */
@Service
class DirectorySync {

    static final String COMPLETED = "LDAP_SYNC_COMPLETED";
    static final String FAILED = "LDAP_SYNC_FAILED";

    private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

    private final IdentityProviders providers;
    private final Provisioning provisioning;
    private final Directory directory;
    private final SyncedEntries entries;
    private final SyncRuns runs;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration lease;

    DirectorySync(IdentityProviders providers, Provisioning provisioning, Directory directory, SyncedEntries entries,
            SyncRuns runs, AuditLog audit, TransactionTemplate transactions, Clock clock,
            @Value("${gatehouse.ldap.sync-lease:PT1H}") Duration lease) {
        this.providers = providers;
        this.provisioning = provisioning;
        this.directory = directory;
        this.entries = entries;
        this.runs = runs;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
        this.lease = lease;
    }

    /** The tenant's LDAP provider, or 404 (unknown, another tenant's, another kind). */
    IdentityProvider provider(TenantId tenant, UUID id) {
        return providers.find(tenant, id).filter(p -> p.kind() == ProviderKind.LDAP)
                .orElseThrow(() -> ApiException.notFound("LDAP identity provider"));
    }

    /**
     * Runs a sync now, or answers empty when one of this provider is running (here or on another
     * node). {@code actor} is who asked, {@link AuditLog.Actor#SYSTEM} for the schedule.
     */
    Optional<SyncRuns.Run> run(IdentityProvider provider, SyncRuns.Trigger trigger, AuditLog.Actor actor,
            Origin origin) {
        TenantId tenant = provider.tenant();
        Instant now = clock.instant();
        Optional<UUID> taken = transactions.execute(status -> runs.start(tenant, provider.id(), trigger, actor.id(),
                now, now.minus(lease)));
        if (taken == null || taken.isEmpty()) {
            return Optional.empty();
        }
        UUID run = taken.get();
        try {
            sync(provider, run, trigger, actor, origin);
        } catch (RuntimeException e) {
            // Whatever broke, the lease is given back and the run says so.
            log.warn("LDAP sync {} of {} failed", run, provider, e);
            fail(provider, run, trigger, actor, origin, "the sync stopped on an unexpected error", null);
        }
        return runs.find(tenant, run);
    }

    private void sync(IdentityProvider provider, UUID run, SyncRuns.Trigger trigger, AuditLog.Actor actor,
            Origin origin) {
        TenantId tenant = provider.tenant();
        List<FieldError> problems = new ArrayList<>();
        DirectorySettings settings = DirectorySettings.read(provider.config(), provider.secrets(), problems);
        if (settings == null) {
            FieldError first = problems.getFirst();
            fail(provider, run, trigger, actor, origin, "the provider's settings are not valid: " + first.message(),
                    first.field());
            return;
        }
        if (!provider.enabled()) {
            fail(provider, run, trigger, actor, origin, "the provider is disabled", null);
            return;
        }
        List<DirectoryEntry> people;
        try {
            people = directory.people(settings);
        } catch (DirectoryFailure e) {
            fail(provider, run, trigger, actor, origin, e.getMessage(), e.field());
            return;
        }
        if (people.isEmpty() && entries.activeCount(tenant, provider.id()) > 0) {
            fail(provider, run, trigger, actor, origin, "the directory listed nobody under userBaseDn with userFilter,"
                    + " where the last sync found people: nobody was disabled (check the base and the filter)",
                    "config.userFilter");
            return;
        }
        Map<String, SyncedEntries.Entry> known = new HashMap<>();
        for (SyncedEntries.Entry entry : entries.of(tenant, provider.id())) {
            known.put(entry.subject(), entry);
        }
        int created = 0;
        int updated = 0;
        int disabled = 0;
        int unchanged = 0;
        int skipped = 0;
        List<SyncRuns.Failure> failures = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DirectoryEntry person : people) {
            if (!seen.add(person.subject())) {
                continue;
            }
            SyncedEntries.Entry before = known.get(person.subject());
            Optional<UUID> user;
            try {
                user = transactions.execute(status -> {
                    Optional<UUID> synced = provisioning.sync(tenant, provider.id(), identity(person), !person.disabled(),
                            origin);
                    synced.ifPresent(id -> entries.save(tenant, new SyncedEntries.Entry(provider.id(), person.subject(),
                            id, person.dn(), person.username(), person.fingerprint(), !person.disabled()),
                            clock.instant()));
                    return synced;
                });
            } catch (RuntimeException e) {
                failures.add(new SyncRuns.Failure(person.dn(), reason(e)));
                continue;
            }
            if (user == null || user.isEmpty()) {
                // JIT off and nobody to link, or a person the directory has disabled and Gatehouse never had.
                skipped++;
            } else if (before == null) {
                if (person.disabled()) {
                    disabled++;
                } else {
                    created++;
                }
            } else if (person.disabled() && before.active()) {
                disabled++;
            } else if (!person.fingerprint().equals(before.fingerprint()) || before.active() == person.disabled()) {
                updated++;
            } else {
                unchanged++;
            }
        }
        for (SyncedEntries.Entry gone : known.values()) {
            if (seen.contains(gone.subject()) || !gone.active()) {
                continue;
            }
            try {
                transactions.executeWithoutResult(status -> {
                    provisioning.sync(tenant, provider.id(), new ExternalIdentity(gone.subject(), null, false,
                            gone.username(), null, null, List.of(), Map.of()), false, origin);
                    entries.deactivate(tenant, provider.id(), gone.subject());
                });
                disabled++;
            } catch (RuntimeException e) {
                failures.add(new SyncRuns.Failure(gone.dn(), reason(e)));
            }
        }
        SyncRuns.Counts counts = new SyncRuns.Counts(created, updated, disabled, unchanged, skipped, failures.size());
        transactions.executeWithoutResult(status -> {
            runs.completed(tenant, run, counts, failures, clock.instant());
            Map<String, Object> details = details(run, trigger);
            details.put("created", counts.created());
            details.put("updated", counts.updated());
            details.put("disabled", counts.disabled());
            details.put("unchanged", counts.unchanged());
            details.put("skipped", counts.skipped());
            details.put("errors", counts.errors());
            audit.record(tenant, COMPLETED, actor, target(provider), origin.ip(), origin.userAgent(), details);
        });
    }

    private void fail(IdentityProvider provider, UUID run, SyncRuns.Trigger trigger, AuditLog.Actor actor,
            Origin origin, String message, @Nullable String field) {
        transactions.executeWithoutResult(status -> {
            runs.failed(provider.tenant(), run, message, field, clock.instant());
            Map<String, Object> details = details(run, trigger);
            details.put("reason", message);
            if (field != null) {
                details.put("field", field);
            }
            audit.record(provider.tenant(), FAILED, actor, target(provider), origin.ip(), origin.userAgent(), details);
        });
    }

    /**
     * A person as the provisioning reads them. The address is the directory's word, which the tenant's
     * administrator chose to trust by connecting it (a sync has nobody to ask for consent).
     */
    static ExternalIdentity identity(DirectoryEntry person) {
        Map<String, List<String>> claims = new LinkedHashMap<>();
        claims.put("dn", List.of(person.dn()));
        return new ExternalIdentity(person.subject(), person.email(), person.email() != null, person.username(),
                person.firstName(), person.lastName(), person.groups(), claims);
    }

    private static Map<String, Object> details(UUID run, SyncRuns.Trigger trigger) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("run", run.toString());
        details.put("trigger", trigger.name());
        return details;
    }

    private static AuditLog.Target target(IdentityProvider provider) {
        return new AuditLog.Target("identity-provider", provider.id().toString(), provider.name());
    }

    private static String reason(RuntimeException e) {
        if (e instanceof ApiException api && !api.errors().isEmpty()) {
            FieldError first = api.errors().getFirst();
            return first.field() + " " + first.message();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
