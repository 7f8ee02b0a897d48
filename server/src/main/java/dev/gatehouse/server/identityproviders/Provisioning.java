package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.ExternalAccounts;
import dev.gatehouse.server.users.RegistrationDesk;
import dev.gatehouse.server.users.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The users a provider signs in or a directory lists (issue 15, "JIT"): the account linked to the
 * provider's subject; else an existing account with the same e-mail address, linked only when the
 * provider verified the address and the account's owner consents (proves its password); else,
 * with JIT provisioning on, a new account. Each sign-in and sync keeps the names the provider
 * says and sets the user's SSO-sourced roles to exactly what the provider's mappings give
 * (docs/security.md, "Identity providers and JIT").
 */
@Service
public class Provisioning {

    /** What a sign-in through a provider comes to. */
    public sealed interface Result {
        /** The user to sign in; {@code created} when made just now. */
        record Ready(UUID userId, boolean created) implements Result {}

        /** An existing account has the verified address: its owner must consent with {@code linkToken}. */
        record ConsentNeeded(UUID existingUserId, String linkToken) implements Result {}

        /** No sign-in: JIT off and no account, a disabled provider, an unverified address of an existing account. */
        record Refused(String reason) implements Result {}
    }

    /** A consent to link asked for and not yet given: for the page that asks for the account's password. */
    public record PendingLink(TenantId tenant, UUID providerId, String providerName, UUID userId, String username) {}

    /** A link made by consent: the user, and the provider they now sign in with. */
    public record Linked(TenantId tenant, UUID providerId, UUID userId) {}

    static final Duration LINK_VALIDITY = Duration.ofMinutes(10);

    /** The reason of a refusal while the person's registration waits in the approval queue. */
    public static final String AWAITING_APPROVAL = "awaiting approval";

    private final ProviderStore providers;
    private final ExternalIdentities identities;
    private final LinkRequests links;
    private final ExternalAccounts accounts;
    private final RegistrationDesk desk;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final Clock clock;

    Provisioning(ProviderStore providers, ExternalIdentities identities, LinkRequests links, ExternalAccounts accounts,
            RegistrationDesk desk, AuditLog audit, JdbcClient jdbc, Clock clock) {
        this.desk = desk;
        this.providers = providers;
        this.identities = identities;
        this.links = links;
        this.accounts = accounts;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A sign-in through the provider: finds the linked user, or links by verified e-mail (consent
     * first), or creates one (JIT, mapped roles with assignment source SSO); updates names and mapped
     * roles; audited.
     */
    @Transactional
    public Result signIn(TenantId tenant, UUID providerId, ExternalIdentity identity, Origin origin) {
        ProviderStore.Row provider = providers.find(tenant, providerId).orElse(null);
        if (provider == null || !provider.enabled()) {
            return new Result.Refused("the identity provider is not enabled");
        }
        if (identity.subject().isBlank()) {
            return new Result.Refused("the identity provider named no subject");
        }
        serialise(tenant, providerId, identity.subject());
        Optional<UUID> linked = identities.userOf(tenant, providerId, identity.subject());
        if (linked.isPresent()) {
            refresh(tenant, provider, linked.get(), identity, origin);
            return new Result.Ready(linked.get(), false);
        }
        Optional<UserAccount> sameEmail = identity.email() == null || identity.email().isBlank() ? Optional.empty()
                : accounts.byEmail(tenant, identity.email());
        if (sameEmail.isPresent()) {
            // An address the provider did not verify could be anyone's: it never reaches an existing account.
            if (!identity.emailVerified()) {
                return new Result.Refused("the identity provider did not verify the e-mail address of an existing"
                        + " account");
            }
            String token = links.create(tenant, providerId, sameEmail.get().id(), identity,
                    clock.instant().plus(LINK_VALIDITY));
            return new Result.ConsentNeeded(sameEmail.get().id(), token);
        }
        if (!provider.jit()) {
            return new Result.Refused("no account");
        }
        Optional<RegistrationDesk.Placement> placement = placement(tenant, identity);
        if (placement.isPresent() && placement.get().approval()) {
            // As a self-registration placed there (issue 16): no account until an admin approves; repeated
            // sign-ins meanwhile queue nothing more (one pending request per address).
            queue(tenant, provider, identity, placement.get(), origin);
            return new Result.Refused(AWAITING_APPROVAL);
        }
        UUID created = create(tenant, provider, identity, placement.orElse(null), origin);
        return new Result.Ready(created, true);
    }

    /** The pending consent the token names, live now, without using it up. */
    @Transactional(readOnly = true)
    public Optional<PendingLink> pendingLink(String linkToken) {
        return links.peek(linkToken, clock.instant()).flatMap(pending -> {
            Optional<ProviderStore.Row> provider = providers.find(pending.tenant(), pending.provider());
            Optional<UserAccount> account = accounts.find(pending.tenant(), pending.user());
            if (provider.isEmpty() || account.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new PendingLink(pending.tenant(), pending.provider(), provider.get().name(),
                    pending.user(), account.get().username()));
        });
    }

    /**
     * The account's owner consented (proved its password): links the provider's subject to it, once
     * (the token is used up), then keeps its names and mapped roles as on any sign-in. Audited
     * SSO_ACCOUNT_LINKED.
     */
    @Transactional
    public Optional<Linked> link(String linkToken, Origin origin) {
        Optional<LinkRequests.Pending> taken = links.take(linkToken, clock.instant());
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        LinkRequests.Pending pending = taken.get();
        ProviderStore.Row provider = providers.find(pending.tenant(), pending.provider()).orElse(null);
        if (provider == null || !provider.enabled()) {
            return Optional.empty();
        }
        serialise(pending.tenant(), pending.provider(), pending.identity().subject());
        if (!linkAudited(pending.tenant(), provider, pending.identity().subject(), pending.user(), "consent", origin)) {
            // Linked meanwhile (another tab): only to this very account is that the same consent.
            if (!identities.userOf(pending.tenant(), pending.provider(), pending.identity().subject())
                    .map(pending.user()::equals).orElse(false)) {
                return Optional.empty();
            }
        }
        refresh(pending.tenant(), provider, pending.user(), pending.identity(), origin);
        return Optional.of(new Linked(pending.tenant(), pending.provider(), pending.user()));
    }

    /**
     * A directory sync (LDAP): create/update (mapped roles) or disable; returns the user id (if any).
     * A sync has nobody to ask for consent, so it links an existing account with the same verified
     * address only while nobody uses it (invited, never signed in); an account in use is skipped, as
     * linking it would let whoever configures the directory sign in as its holder. A person the
     * directory lists as inactive is never created.
     */
    @Transactional
    public Optional<UUID> sync(TenantId tenant, UUID providerId, ExternalIdentity identity, boolean active,
            Origin origin) {
        ProviderStore.Row provider = providers.find(tenant, providerId).orElse(null);
        if (provider == null || !provider.enabled() || identity.subject().isBlank()) {
            return Optional.empty();
        }
        serialise(tenant, providerId, identity.subject());
        UUID user = identities.userOf(tenant, providerId, identity.subject()).orElse(null);
        if (user == null && identity.emailVerified() && identity.email() != null && !identity.email().isBlank()) {
            Optional<UserAccount> existing = accounts.byEmail(tenant, identity.email());
            if (existing.isPresent() && !unclaimed(existing.get())) {
                // Linking would let whoever configures the directory sign in as this person (a takeover
                // with no consent): an account someone already uses links only through its holder's
                // consent at an SSO sign-in. The sync reports it as skipped.
                return Optional.empty();
            }
            user = existing.map(UserAccount::id).orElse(null);
            if (user != null) {
                linkAudited(tenant, provider, identity.subject(), user, "directory", origin);
            }
        }
        if (user == null) {
            if (!active || !provider.jit()) {
                return Optional.empty();
            }
            Optional<RegistrationDesk.Placement> placement = placement(tenant, identity);
            if (placement.isPresent() && placement.get().approval()) {
                // Every sync run sees the person again: queued once, and a rejection is not asked again.
                if (!desk.everQueued(tenant, Objects.requireNonNull(identity.email()).strip())) {
                    queue(tenant, provider, identity, placement.get(), origin);
                }
                return Optional.empty();
            }
            return Optional.of(create(tenant, provider, identity, placement.orElse(null), origin));
        }
        ExternalAccounts.Provider by = of(provider);
        if (active) {
            accounts.setActive(tenant, user, true, by, origin);
            accounts.updateNames(tenant, user, identity.firstName(), identity.lastName(), by, origin);
            accounts.setMappedRoles(tenant, user, mapped(provider, identity), by, origin);
        } else {
            accounts.setActive(tenant, user, false, by, origin);
        }
        return Optional.of(user);
    }

    /**
     * An account nobody has used yet (invited, no password, never signed in): a directory may claim it
     * without its holder's consent, as nobody holds it.
     */
    private static boolean unclaimed(UserAccount account) {
        return account.status().equals("INVITED") && !account.hasPassword() && account.lastSignInAt() == null;
    }

    /** The roles the provider's mappings give this identity. */
    static Set<ExternalAccounts.MappedRole> mapped(ProviderStore.Row provider, ExternalIdentity identity) {
        Set<ExternalAccounts.MappedRole> roles = new LinkedHashSet<>();
        for (Mapping mapping : provider.mappings()) {
            if (mapping.matches(identity)) {
                roles.add(new ExternalAccounts.MappedRole(mapping.role(), mapping.location()));
            }
        }
        return roles;
    }

    /**
     * The domain mapping placing a new person's address in this tenant (issue 16), as a self-registration
     * would land: only for an address the provider verified, as a domain says nothing of an unverified one.
     */
    private Optional<RegistrationDesk.Placement> placement(TenantId tenant, ExternalIdentity identity) {
        if (!identity.emailVerified() || identity.email() == null || identity.email().isBlank()) {
            return Optional.empty();
        }
        return desk.placeSignedUp(identity.email().strip(), tenant);
    }

    private void queue(TenantId tenant, ProviderStore.Row provider, ExternalIdentity identity,
            RegistrationDesk.Placement placement, Origin origin) {
        String email = Objects.requireNonNull(identity.email()).strip();
        desk.queue(ExternalAccounts.applicant(newAccount(identity), email),
                new RegistrationDesk.Placement(placement.tenant(), placement.role(), placement.location(), true,
                        placement.via() + " (" + provider.kind() + ": " + provider.name() + ")"),
                origin.ip(), origin.userAgent());
    }

    private static ExternalAccounts.NewAccount newAccount(ExternalIdentity identity) {
        return new ExternalAccounts.NewAccount(firstOf(identity.username(), identity.email(), identity.subject()),
                identity.firstName(), identity.lastName(), identity.emailVerified() ? identity.email() : null);
    }

    private UUID create(TenantId tenant, ProviderStore.Row provider, ExternalIdentity identity,
            RegistrationDesk.@Nullable Placement placement, Origin origin) {
        ExternalAccounts.Provider by = of(provider);
        UUID user = accounts.create(tenant, newAccount(identity), by, origin);
        linkAudited(tenant, provider, identity.subject(), user, "jit", origin);
        if (placement != null) {
            accounts.assignPlaced(tenant, user, placement, by, origin);
        }
        accounts.setMappedRoles(tenant, user, mapped(provider, identity), by, origin);
        identities.signedIn(tenant, provider.id(), identity.subject(), clock.instant());
        return user;
    }

    private void refresh(TenantId tenant, ProviderStore.Row provider, UUID user, ExternalIdentity identity,
            Origin origin) {
        ExternalAccounts.Provider by = of(provider);
        accounts.updateNames(tenant, user, identity.firstName(), identity.lastName(), by, origin);
        accounts.setMappedRoles(tenant, user, mapped(provider, identity), by, origin);
        identities.signedIn(tenant, provider.id(), identity.subject(), clock.instant());
    }

    private boolean linkAudited(TenantId tenant, ProviderStore.Row provider, String subject, UUID user, String how,
            Origin origin) {
        if (!identities.link(tenant, provider.id(), subject, user, clock.instant())) {
            return false;
        }
        String username = accounts.find(tenant, user).map(UserAccount::username).orElse(null);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider", provider.id().toString());
        details.put("providerName", provider.name());
        details.put("subject", subject);
        details.put("by", how);
        audit.record(tenant, "SSO_ACCOUNT_LINKED", new AuditLog.Actor(user, username, List.of()),
                new AuditLog.Target("user", user.toString(), username), origin.ip(), origin.userAgent(), details);
        return true;
    }

    /** One sign-in of a subject at a time: two first sign-ins at once must not make two accounts. */
    private void serialise(TenantId tenant, UUID provider, String subject) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse-sso:" + tenant.value() + ":" + provider + ":" + subject).query().singleValue();
    }

    private static ExternalAccounts.Provider of(ProviderStore.Row provider) {
        return new ExternalAccounts.Provider(provider.id(), provider.name());
    }

    private static String firstOf(@Nullable String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no candidate");
    }
}
