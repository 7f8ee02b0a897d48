package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Candidates;
import dev.gatehouse.engine.CertainHolders;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.Permitted;
import dev.gatehouse.engine.PolicyException;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.RoleGiving;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.secrets.SealedCursor;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The one way the server asks "may they?": every admin endpoint and the check API go through
 * here to the engine, with the tenant's own roles (docs/product.md, "One decision engine").
 */
@Service
public class Access {

    private static final Logger log = LoggerFactory.getLogger(Access.class);

    private final AccessCache cache;
    private final PolicyLoader loader;
    private final Clock clock;
    private final RefusalAudit refusals;
    private final RelationshipSource relationships;
    /** The id the guest's one assignment and the decisions it allows carry. */
    public static final String GUEST_SUBJECT = "guest";

    /** How often a decision is taken again after a one-time elevation it used turned out spent. */
    private static final int SPEND_ATTEMPTS = 3;

    private final ObjectProvider<OneTimeAssignments> oneTime;

    Access(AccessCache cache, PolicyLoader loader, Clock clock, RefusalAudit refusals,
            ObjectProvider<OneTimeAssignments> oneTime, RelationshipSource relationships) {
        this.relationships = relationships;
        this.cache = cache;
        this.loader = loader;
        this.clock = clock;
        this.refusals = refusals;
        this.oneTime = oneTime;
    }

    /** The tenant's current policy, or empty when there is no such tenant. */
    public Optional<TenantPolicy> policy(TenantId tenant) {
        return cache.tenant(tenant, loader::policy).map(AccessCache.TenantAccess::policy);
    }

    /** The user's compiled profile, or empty when the tenant has no such user. */
    public Optional<Profile> profile(TenantId tenant, UUID user) {
        return profile(tenant, user, null, null);
    }

    /**
     * {@link #profile(TenantId, UUID)}; when this node must load it, with the user's state as
     * {@code known} says (read by the caller in this transaction), not read again. Null: read it.
     * When a decision about {@code about} is to follow, which reads the user's stored relationships
     * ({@link #readsRelations}), a load reads those too, in the same round trip.
     */
    private Optional<Profile> profile(TenantId tenant, UUID user, Members.@Nullable State known,
            @Nullable Resource about) {
        try {
            return compiledProfile(tenant, user, known, about);
        } catch (PolicyException staleCache) {
            // The user holds a role or location this node's cached policy does not know yet: the
            // change's notification is still on its way. Reload the tenant now instead of failing.
            cache.evictTenant(tenant);
            try {
                return compiledProfile(tenant, user, known, about);
            } catch (PolicyException stillInconsistent) {
                log.warn("Profile of user {} in tenant {} does not compile: {}", user, tenant,
                        stillInconsistent.getMessage());
                return Optional.empty();
            }
        }
    }

    private Optional<Profile> compiledProfile(TenantId tenant, UUID user, Members.@Nullable State known,
            @Nullable Resource about) {
        Optional<AccessCache.TenantAccess> access = cache.tenant(tenant, loader::policy);
        if (access.isEmpty()) {
            return Optional.empty();
        }
        TenantPolicy policy = access.get().policy();
        Profile profile = access.get().profiles().get(user, id -> subject(tenant, id, known, about, access.get())
                .map(policy::compile).orElse(null));
        return Optional.ofNullable(profile);
    }

    /**
     * A profile's subject, read with the user's stored relationships when a decision about {@code about} will
     * need them and this node keeps none: one round trip instead of two (issue 17, a cold profile's check). They
     * are kept as {@link #relations} keeps what it loads, and only for a user the tenant has.
     */
    private Optional<Subject> subject(TenantId tenant, UUID user, Members.@Nullable State known,
            @Nullable Resource about, AccessCache.TenantAccess access) {
        Consumer<UUID> lenderSeen = lender -> access.dependsOn(user, lender);
        if (known != null || !readsRelations(about) || access.relations().getIfPresent(user) != null) {
            return loader.subject(tenant, user, known, lenderSeen);
        }
        long changesBefore = access.relationChanges().get();
        PolicyLoader.WithRelations read = loader.subjectWithRelations(tenant, user,
                relationships.part(access.policy().tenant(), user), lenderSeen);
        if (read.subject().isPresent()) {
            access.keepRelations(user, read.relations(), changesBefore);
        }
        return read.subject();
    }

    /**
     * The profile the caller acts with: their own, or, for an API key, their own narrowed to the
     * key's scopes and locations (docs/api.md: never more than the owner holds now). Every question
     * about what a caller may do goes through here, so a key is narrowed in this one place.
     */
    private Optional<Profile> profileOf(Caller caller) {
        return profileOf(caller, null);
    }

    /** {@link #profileOf(Caller)} for a decision about {@code about} (a load reads what it needs along). */
    private Optional<Profile> profileOf(Caller caller, @Nullable Resource about) {
        Optional<Profile> own = profile(caller.tenant(), caller.userId(), null, about);
        if (!(caller.credential() instanceof Credential.ApiKey key)) {
            return own;
        }
        // The narrowing is kept beside the policy the owner's profile was compiled against, and goes with it.
        Optional<AccessCache.TenantAccess> access = cache.tenant(caller.tenant(), loader::policy);
        return own.map(profile -> access.map(tenant -> tenant.narrowed().get(new AccessCache.Narrowing(profile, key),
                        k -> narrow(profile, key)))
                .orElseGet(() -> narrow(profile, key)));
    }

    private static Profile narrow(Profile owner, Credential.ApiKey key) {
        return owner.narrowedTo(key.scopes(), Set.copyOf(key.locations()));
    }

    /** Decides for what the caller presented (an API key narrowed to its scopes), as of now. */
    private Decision decideFor(Caller caller, String permission, @Nullable Resource resource) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profileOf(caller, resource);
        if (policy.isEmpty() || profile.isEmpty()) {
            return Decision.deny(new Reason.NoMatchingGrant(permission));
        }
        return policy.get().check(profile.get(), permission, resource, clock.instant(), RequestContext.EMPTY,
                relations(caller.tenant(), caller.userId(), policy.get(), resource));
    }

    /**
     * The user's stored relationships when the request could need them — a resource named by type
     * and id, with no assignees of its own — loaded on the first such check and kept until they
     * change ({@link AccessChanges#relationshipsChanged}); otherwise none, without a lookup.
     */
    private SubjectRelations relations(TenantId tenant, UUID user, TenantPolicy policy, @Nullable Resource resource) {
        if (!readsRelations(resource)) {
            return SubjectRelations.NONE;
        }
        Optional<AccessCache.TenantAccess> access = cache.tenant(tenant, loader::policy);
        if (access.isEmpty()) {
            return SubjectRelations.NONE;
        }
        SubjectRelations known = access.get().relations().getIfPresent(user);
        if (known != null) {
            return known;
        }
        long changesBefore = access.get().relationChanges().get();
        SubjectRelations loaded = relationships.load(tenant, policy.tenant(), user);
        access.get().keepRelations(user, loaded, changesBefore);
        return loaded;
    }

    /** Whether a decision about {@code resource} reads the user's stored relationships ({@link #relations}). */
    private static boolean readsRelations(@Nullable Resource resource) {
        return resource != null && resource.type() != null && resource.id() != null && resource.assignees().isEmpty();
    }

    /** Decides for {@code user} of {@code tenant}; an unknown user gets a deny, never an error. */
    public Decision decide(TenantId tenant, UUID user, String permission, @Nullable Resource resource,
            RequestContext context) {
        return decide(tenant, user, permission, resource, clock.instant(), context);
    }

    /**
     * Decides as of {@code at}, which may be another moment than now (the check API's
     * {@code context.time}); an unknown user gets a deny, never an error. Reads only the caches once
     * the tenant's policy and the user's profile are loaded.
     */
    public Decision decide(TenantId tenant, UUID user, String permission, @Nullable Resource resource, Instant at,
            RequestContext context) {
        return spending(tenant, user, permission, () -> {
            Optional<TenantPolicy> policy = policy(tenant);
            Optional<Profile> profile = profile(tenant, user, null, resource);
            if (policy.isEmpty() || profile.isEmpty()) {
                return Decision.deny(new Reason.NoMatchingGrant(permission));
            }
            return policy.get().check(profile.get(), permission, resource, at, context,
                    relations(tenant, user, policy.get(), resource));
        });
    }

    /**
     * Decides for the tenant's guest (seed 002 §2): a subject holding only the pack's {@code GUEST}
     * role, tenant-wide, with no relationships. A tenant whose roles have no {@code GUEST} denies.
     */
    Decision decideAsGuest(TenantId tenant, String permission, @Nullable Resource resource, Instant at,
            RequestContext context) {
        return guestProfile(tenant).map(profile -> profile.policy().check(profile, permission, resource, at, context,
                SubjectRelations.NONE)).orElseGet(() -> Decision.deny(new Reason.NoMatchingGrant(permission)));
    }

    /** Decides each field for the tenant's guest, as {@link #decideAsGuest}. */
    FieldDecisions decideFieldsAsGuest(TenantId tenant, String permission, List<String> fields,
            @Nullable Resource resource, Instant at, RequestContext context) {
        Optional<Profile> guest = guestProfile(tenant);
        if (guest.isEmpty()) {
            return new FieldDecisions(Decision.deny(new Reason.NoMatchingGrant(permission)), Map.of());
        }
        return guest.get().policy().checkFields(guest.get(), permission, fields, resource, at, context,
                SubjectRelations.NONE);
    }

    /** Whether the tenant's roles include {@code GUEST}, which guest access needs. */
    public boolean hasGuestRole(TenantId tenant) {
        return policy(tenant).flatMap(policy -> policy.role(GuestAdmission.GUEST_ROLE)).isPresent();
    }

    private Optional<Profile> guestProfile(TenantId tenant) {
        Optional<AccessCache.TenantAccess> access = cache.tenant(tenant, loader::policy);
        if (access.isEmpty() || access.get().policy().role(GuestAdmission.GUEST_ROLE).isEmpty()) {
            return Optional.empty();
        }
        // Compiled once per policy version (an edited GUEST role compiles afresh), kept beside that policy.
        return Optional.of(access.get().guest().updateAndGet(kept -> kept != null ? kept
                : access.get().policy().compile(Subject.active(GUEST_SUBJECT,
                        Assignment.tenantWide(GUEST_SUBJECT, GuestAdmission.GUEST_ROLE)))));
    }

    /**
     * A decision that stands: one allowed through an elevation is first spent with
     * {@link OneTimeAssignments} (issue 13: a one-time elevation is consumed by the first allowed
     * check that used it). When it was spent already — by another check, maybe on another node, a
     * moment ago — the profile is dropped and the question decided again, without it.
     */
    private Decision spending(TenantId tenant, UUID user, String permission, Supplier<Decision> decide) {
        for (int attempt = 0; attempt < SPEND_ATTEMPTS; attempt++) {
            Decision decision = decide.get();
            if (!(decision.reason() instanceof Reason.GrantedBy granted)
                    || granted.assignment().source() != AssignmentSource.ELEVATION) {
                return decision;
            }
            OneTimeAssignments uses = oneTime.getIfAvailable();
            UUID assignment = Ids.parse(granted.assignment().id()).orElse(null);
            if (uses == null || assignment == null || uses.spend(tenant, user, assignment)) {
                return decision;
            }
            cache.evictSubject(tenant, user);
        }
        return Decision.deny(new Reason.NoMatchingGrant(permission));
    }

    /**
     * Decides a permission and some of its fields as of {@code at} (docs/engine.md, "Field
     * permissions"); an unknown user gets a deny of the permission and of every field. A one-time
     * elevation the permission's allow used is spent as by {@link #decide}: naming fields is no way
     * to use it twice.
     */
    public FieldDecisions decideFields(TenantId tenant, UUID user, String permission, List<String> fields,
            @Nullable Resource resource, Instant at, RequestContext context) {
        FieldDecisions[] last = new FieldDecisions[1];
        Decision decision = spending(tenant, user, permission, () -> {
            Optional<TenantPolicy> policy = policy(tenant);
            Optional<Profile> profile = profile(tenant, user, null, resource);
            last[0] = policy.isEmpty() || profile.isEmpty()
                    ? null
                    : policy.get().checkFields(profile.get(), permission, fields, resource, at, context,
                            relations(tenant, user, policy.get(), resource));
            return last[0] == null ? Decision.deny(new Reason.NoMatchingGrant(permission)) : last[0].decision();
        });
        if (last[0] != null && last[0].decision() == decision) {
            return last[0];
        }
        Map<String, Decision> byField = new java.util.LinkedHashMap<>();
        fields.forEach(field -> byField.put(field, decision));
        return new FieldDecisions(decision, byField);
    }

    /**
     * The tenant's user named by id or, failing that, by username (compared normalised). Ids are
     * answered from the profile cache; a username is looked up at most once per
     * {@link AccessCache#USERNAME_TTL} while it is in use.
     */
    public Optional<UUID> findUser(TenantId tenant, String idOrUsername) {
        return findUser(tenant, idOrUsername, null);
    }

    /**
     * {@link #findUser(TenantId, String)} for a decision about {@code about} that follows: a profile loaded to
     * find the user by id reads, in the same round trip, the stored relationships that decision will read
     * (issue 17: a check about a user never asked about before).
     */
    public Optional<UUID> findUser(TenantId tenant, String idOrUsername, @Nullable Resource about) {
        UUID id = parseUuid(idOrUsername);
        if (id != null && profile(tenant, id, null, about).isPresent()) {
            return Optional.of(id);
        }
        Optional<AccessCache.TenantAccess> access = cache.tenant(tenant, loader::policy);
        if (access.isEmpty()) {
            return Optional.empty();
        }
        String normalized = Usernames.normalize(idOrUsername);
        if (normalized.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(access.get().usernames()
                .get(normalized, name -> loader.userIdByUsername(tenant, name).orElse(null)));
    }

    /**
     * Lets the caller through, or answers 403 naming the missing permission and why; the refusal
     * is recorded as {@code PERMISSION_DENIED}, and survives the rollback of the refused request.
     *
     * @throws ApiException 403 when the engine denies
     */
    public Decision require(Caller caller, String permission, @Nullable Resource resource) {
        // An act the caller performs uses up a one-time elevation it needs; a mere allows() does not.
        Decision decision = spending(caller.tenant(), caller.userId(), permission,
                () -> decideFor(caller, permission, resource));
        if (!decision.allowed()) {
            refusals.record(caller, rolesHeld(caller.tenant(), caller.userId()), permission, resource, decision);
            throw ApiException.forbidden("missing permission " + permission + ": " + decision.explain());
        }
        return decision;
    }

    /** The roles the user holds right now, as an audit event's actor carries them. */
    public List<String> rolesHeld(TenantId tenant, UUID user) {
        Instant now = clock.instant();
        return profile(tenant, user).map(profile -> profile.rolesHeldAt(now)).orElse(List.of());
    }

    /**
     * {@link #rolesHeld(TenantId, UUID)} of a user whose state the caller read in this transaction
     * ({@code known}): a sign-in, which has the account's row locked (issue 17: the state is not read
     * twice).
     */
    public List<String> rolesHeld(TenantId tenant, UUID user, Members.State known) {
        Instant now = clock.instant();
        return profile(tenant, user, known, null).map(profile -> profile.rolesHeldAt(now)).orElse(List.of());
    }

    /**
     * Whether the caller may: a probe (what a page offers, what a list shows), which uses up no
     * one-time elevation; the act itself goes through {@link #require}, which does.
     */
    public boolean allows(Caller caller, String permission, @Nullable Resource resource) {
        return decideFor(caller, permission, resource).allowed();
    }

    /** What the caller may do with what they presented (an API key: narrowed), at {@code location} or anywhere. */
    public List<EffectivePermission> effectivePermissions(Caller caller, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profileOf(caller);
        if (policy.isEmpty() || profile.isEmpty()) {
            return List.of();
        }
        return policy.get().effectivePermissions(profile.get(), clock.instant(), location);
    }

    public List<EffectivePermission> effectivePermissions(TenantId tenant, UUID user, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(tenant);
        Optional<Profile> profile = profile(tenant, user);
        if (policy.isEmpty() || profile.isEmpty()) {
            return List.of();
        }
        return policy.get().effectivePermissions(profile.get(), clock.instant(), location);
    }

    /**
     * The permissions that {@code role}, held at {@code location} (tenant-wide when null), would
     * give beyond what the caller holds there: a caller may only hand out access they have
     * themselves, at least as widely, so that {@code roles.assign} is no way up to more power.
     * Empty when the caller holds all of it. The engine decides ({@link TenantPolicy#grantsBeyond}).
     */
    public List<String> grantsBeyondCaller(Caller caller, String role, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profileOf(caller);
        if (policy.isEmpty() || profile.isEmpty() || policy.get().role(role).isEmpty()) {
            return List.of(role);
        }
        return grantsBeyondCaller(caller, policy.get().flattenedGrants(role), location);
    }

    /**
     * {@link #grantsBeyondCaller(Caller, String, String)} asked for many roles and places at once (a
     * bulk import: one per line): the caller's grants are gathered once, at the time of this call, by
     * the engine ({@link TenantPolicy#giving}), and give the same answers. One request's: it does not
     * see a change of the caller's roles or of the tenant's policy made after it.
     */
    public RolesBeyondCaller grantsBeyondCaller(Caller caller) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profileOf(caller);
        if (policy.isEmpty() || profile.isEmpty()) {
            return (role, location) -> List.of(role);
        }
        RoleGiving giving = policy.get().giving(profile.get(), clock.instant());
        return (role, location) -> policy.get().role(role).isEmpty() ? List.of(role) : giving.beyond(role, location);
    }

    /** What a role held at a place (tenant-wide when null) would give beyond one caller's access. */
    @FunctionalInterface
    public interface RolesBeyondCaller {
        List<String> beyond(String role, @Nullable String location);
    }

    /** As above, for a set of grants (a role as it would be after an edit). */
    public List<String> grantsBeyondCaller(Caller caller, List<Grant> grants, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profileOf(caller);
        if (policy.isEmpty() || profile.isEmpty()) {
            return grants.stream().map(Grant::permission).distinct().toList();
        }
        return policy.get().grantsBeyond(profile.get(), grants, location, clock.instant());
    }

    /**
     * Who may act on whom: whether the caller holds, in force now, everything {@code target}
     * holds (at {@code at} only, when given: a role change there), at least as widely
     * ({@link TenantPolicy#covers}). An unknown target is covered by nobody.
     */
    public Decision covers(Caller caller, UUID target, @Nullable String at) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> callerProfile = profileOf(caller);
        Optional<Profile> targetProfile = profile(caller.tenant(), target);
        if (policy.isEmpty() || callerProfile.isEmpty() || targetProfile.isEmpty()) {
            return Decision.deny(new Reason.NoMatchingGrant("users.edit"));
        }
        return policy.get().covers(callerProfile.get(), targetProfile.get(), clock.instant(), at);
    }

    /**
     * Lets the caller act on {@code target}'s credentials, identity or access only when they cover
     * the target; otherwise 403 whose detail names the grant they lack ("olivia holds users.delete
     * tenant-wide, which you do not hold"), recorded as {@code PERMISSION_DENIED} under
     * {@code permission}.
     *
     * @param what the act, for the refusal ("reset the password of")
     * @throws ApiException 403 when the caller does not cover the target
     */
    public void requireCovers(Caller caller, UUID target, @Nullable String at, String permission, String what) {
        Decision decision = covers(caller, target, at);
        if (decision.allowed()) {
            return;
        }
        refusals.record(caller, rolesHeld(caller.tenant(), caller.userId()), permission,
                Resource.of("user", target.toString()).locatedAt(at), decision);
        String why;
        if (decision.reason() instanceof Reason.Uncovered miss) {
            Map<String, String> names = new HashMap<>(loader.locationNames(caller.tenant()));
            loader.username(caller.tenant(), target).ifPresent(name -> names.put(target.toString(), name));
            why = miss.describe(id -> names.getOrDefault(id, id));
        } else {
            why = decision.explain();
        }
        String name = loader.username(caller.tenant(), target).orElse("this user");
        throw ApiException.forbidden("you cannot " + what + " " + name + (at == null ? "" : " there")
                + ": " + why + " (nobody acts on the account of someone who holds more than they do)");
    }

    /** Who among the tenant's users may do {@code permission} at {@code location} (anywhere when null). */
    public List<Permitted> whoCan(TenantId tenant, String permission, @Nullable String location) {
        return holders(tenant, permission, location, clock.instant()).stream()
                .map(holder -> new Permitted(holder.id().toString(), holder.decision()))
                .toList();
    }

    /** A user who may, and the decision saying how. */
    public record Holder(UUID id, String username, Decision decision) {}

    /**
     * Who among the tenant's users may do {@code permission} at {@code location} (anywhere when
     * null) at {@code at}, by username. Reads from the database only the users holding an
     * assignment the engine says could allow it ({@link TenantPolicy#candidates}: issue 17, so that
     * the cost follows the permission's holders, not the tenant's size), then decides for each of
     * them from the caches, exactly as for everyone.
     */
    public List<Holder> holders(TenantId tenant, String permission, @Nullable String location, Instant at) {
        List<Holder> holders = new ArrayList<>();
        decideHolders(tenant, permission, location, at, holder -> {
            holders.add(holder);
            return true;
        });
        return holders;
    }

    /**
     * One page of {@link #holders}, by username, and how many there are, counted to at most
     * {@code countedAtMost + 1} (and at least one past the page, so that the count says whether another
     * follows), as deciding for each candidate in turn would answer. Only the page's holders and the
     * candidates the engine is not certain of ({@link TenantPolicy#certainHolders}) are decided from their
     * profiles; the certain ones are counted in SQL (issue 17: a permission 400,000 users hold tenant-wide
     * costs what its page costs, not 400,000 profiles), those before a deep page too ({@link HolderWalk#skip}).
     */
    public HolderPage holders(TenantId tenant, String permission, @Nullable String location, Instant at, int page,
            int size, int countedAtMost) {
        Optional<TenantPolicy> policy = policy(tenant);
        if (policy.isEmpty()) {
            return new HolderPage(List.of(), 0, false, false, false);
        }
        HolderWalk walk = new HolderWalk(tenant, policy.get(), permission, location, at);
        long from = (long) page * size;
        long until = Math.max(from + size + 1, countedAtMost + 1L);
        HolderWalk.Skipped skipped = walk.skip(from);
        if (skipped.counted() < from) {
            return new HolderPage(List.of(), skipped.counted(), false, page > 0, false);
        }
        List<Holder> items = walk.read(skipped.place(), false, size);
        long counted = from + items.size();
        long after = walk.exhausted() ? 0 : walk.count(walk.reachedPlace(), until - counted);
        counted += after;
        return new HolderPage(items, counted, counted >= until, page > 0, after > 0);
    }

    /**
     * The page of {@link #holders} just after the cursor's place (a normalised username), or just before it when
     * it points backwards: a keyset page (issue 17), which reads from its place only, so it costs what the first
     * page costs at any depth. The count is the whole list's, as the first page's is.
     */
    public HolderPage holdersBeside(TenantId tenant, String permission, @Nullable String location, Instant at,
            SealedCursor from, int size, int countedAtMost) {
        Optional<TenantPolicy> policy = policy(tenant);
        if (policy.isEmpty()) {
            return new HolderPage(List.of(), 0, false, false, false);
        }
        SealedCursor.Window<Holder> window = from.window(new HolderWalk(tenant, policy.get(), permission, location, at)
                .read(from.place(), from.backwards(), size + 1), size);
        long total = new HolderWalk(tenant, policy.get(), permission, location, at).count(null, countedAtMost + 1L);
        return new HolderPage(window.items(), total, total > countedAtMost, window.moreBefore(), window.moreAfter());
    }

    /**
     * Who-can's candidates read in username order, in batches: the certain ones counted, the others
     * decided. Remembers where its last read stopped and whether it reached the end.
     */
    private final class HolderWalk {

        private static final int BATCH = 200;
        /** The most uncertain candidates one statement brings while skipping to a deep page. */
        private static final int UNCERTAIN_BATCH = 5_000;

        private final TenantId tenant;
        private final TenantPolicy policy;
        private final String permission;
        private final @Nullable Resource resource;
        private final Instant at;
        private final Candidates candidates;
        private final CertainHolders certain;
        private @Nullable String reached;
        private boolean exhausted;

        HolderWalk(TenantId tenant, TenantPolicy policy, String permission, @Nullable String location, Instant at) {
            this.tenant = tenant;
            this.policy = policy;
            this.permission = permission;
            this.resource = location == null ? null : Resource.at(location);
            this.at = at;
            this.candidates = policy.candidates(permission, location);
            this.certain = policy.certainHolders(permission, location);
            this.exhausted = candidates.none();
        }

        /** Where a page starts: after {@code place} (from the first when null), and how many allowed come before it. */
        record Skipped(@Nullable String place, long counted) {}

        /**
         * The place after the first {@code from} allowed holders, or, when there are fewer, how many there are.
         * The certain ones are counted and placed in SQL; the uncertain ones before the page must still be
         * decided, but only those ordered before the (from + 1)th certain holder, and no further than the
         * (from + 1)th of them found allowed: the page starts at one of the two or before, so every one decided
         * lies before the page's start (issue 17: page 100 no longer reads its 5,000 certain holders).
         */
        Skipped skip(long from) {
            if (from == 0 || exhausted) {
                return new Skipped(null, 0);
            }
            List<String> none = List.of();
            String bound = first(loader.certainPlaces(tenant, certain, at, Members.Span.ALL, none, from, 1));
            boolean boundIsCertain = bound != null;
            List<String> allowed = new ArrayList<>();
            int batch = (int) Math.min(UNCERTAIN_BATCH, Math.max(BATCH, from + 1));
            String read = null;
            boolean end = false;
            while (!end) {
                List<Members.Holding> found = loader.holding(tenant, candidates, certain, at,
                        new Members.Span(read, bound, false), Members.Listed.UNCERTAIN, batch);
                for (Members.Holding holding : found) {
                    read = holding.usernameNormalized();
                    Decision decision = decide(holding.id());
                    if (decision == null || !decision.allowed()) {
                        continue;
                    }
                    if (allowed.size() == from) {
                        bound = read;
                        boundIsCertain = false;
                        end = true;
                        break;
                    }
                    allowed.add(read);
                }
                end = end || found.size() < batch;
            }
            long before = allowed.size() + (boundIsCertain ? from
                    : loader.countCertain(tenant, certain, at, new Members.Span(null, bound, false), from + 1));
            if (before < from) {
                return new Skipped(null, before);
            }
            // The page starts after the from-th allowed holder: counted back from the bound, the (before - from + 1)th.
            long back = before - from;
            String place = first(loader.certainPlaces(tenant, certain, at, new Members.Span(null, bound, true),
                    allowed, back, 1));
            return new Skipped(place, from);
        }

        /**
         * Up to {@code limit} allowed holders just after {@code place} (from the first when null), or just before
         * it when {@code backwards}, in username order; each decided from their profile, for the page's {@code via}.
         */
        List<Holder> read(@Nullable String place, boolean backwards, int limit) {
            List<Holder> items = new ArrayList<>();
            String last = place;
            boolean end = exhausted;
            while (!end && items.size() < limit) {
                Members.Span span = backwards ? new Members.Span(null, last, true) : Members.Span.after(last);
                List<Members.Holding> batch = loader.holding(tenant, candidates, certain, at, span,
                        Members.Listed.EVERY_HOLDER, BATCH);
                int read = 0;
                for (Members.Holding holding : batch) {
                    read++;
                    last = holding.usernameNormalized();
                    Decision decision = decide(holding.id());
                    if (decision != null && decision.allowed()) {
                        items.add(new Holder(holding.id(), holding.username(), decision));
                        if (items.size() == limit) {
                            break;
                        }
                    }
                }
                end = batch.size() < BATCH && read == batch.size();
            }
            reached = last;
            exhausted = end;
            return backwards ? items.reversed() : items;
        }

        /**
         * How many are allowed after {@code after} (from the first when null), at most {@code needed}: the
         * certain ones counted, then the others decided, in any order, until enough are found.
         */
        long count(@Nullable String after, long needed) {
            if (candidates.none() || needed <= 0) {
                return 0;
            }
            long found = loader.countCertain(tenant, certain, at, Members.Span.after(after), needed);
            if (found == needed) {
                return found;
            }
            for (UUID user : loader.uncertainHolding(tenant, candidates, certain, at, after)) {
                Decision decision = decide(user);
                if (decision != null && decision.allowed() && ++found == needed) {
                    break;
                }
            }
            return found;
        }

        /** Where the last {@link #read} stopped. */
        @Nullable String reachedPlace() {
            return reached;
        }

        /** Whether the last {@link #read} reached the end of the order. */
        boolean exhausted() {
            return exhausted;
        }

        /** The check's decision for {@code user}; null when they were deleted since they were read. */
        private @Nullable Decision decide(UUID user) {
            return profile(tenant, user).map(profile -> policy.check(profile, permission, resource, at,
                    RequestContext.EMPTY)).orElse(null);
        }

        private static @Nullable String first(List<String> places) {
            return places.isEmpty() ? null : places.getFirst();
        }
    }

    /**
     * A page of holders; {@code totalIsLowerBound} when deciding stopped before the last candidate;
     * {@code moreBefore} and {@code moreAfter} when pages lie on either side of it.
     */
    public record HolderPage(List<Holder> items, long total, boolean totalIsLowerBound, boolean moreBefore,
            boolean moreAfter) {}

    /**
     * Decides, in username order, for the users holding an assignment that could allow, and hands each
     * allowed to {@code holder} until it answers false.
     */
    private void decideHolders(TenantId tenant, String permission, @Nullable String location, Instant at,
            Predicate<Holder> holder) {
        Optional<TenantPolicy> policy = policy(tenant);
        if (policy.isEmpty()) {
            return;
        }
        Resource resource = location == null ? null : Resource.at(location);
        for (PolicyLoader.UserName user : loader.holdersOf(tenant, policy.get().candidates(permission, location), at)) {
            Optional<Profile> profile = profile(tenant, user.id());
            if (profile.isEmpty()) {
                continue; // deleted since the list was read
            }
            Decision decision = policy.get().check(profile.get(), permission, resource, at, RequestContext.EMPTY);
            if (decision.allowed() && !holder.test(new Holder(user.id(), user.username(), decision))) {
                return;
            }
        }
    }

    /**
     * Those who hold {@code permission} tenant-wide and unconditionally at {@code at}: whom a feature
     * mails when "the tenant's admins" are to be told (alerts, the inactivity rule, the approval queue).
     */
    public List<UUID> tenantWideHolders(TenantId tenant, String permission, Instant at) {
        return holders(tenant, permission, null, at).stream().map(Holder::id)
                .filter(user -> effectivePermissions(tenant, user, null).stream()
                        .filter(held -> held.permission().equals(permission)).findFirst()
                        .map(held -> held.scope() == Scope.TENANT && held.conditions().isEmpty()).orElse(false))
                .toList();
    }

    private static @Nullable UUID parseUuid(String text) {
        return Ids.parse(text).orElse(null);
    }
}
