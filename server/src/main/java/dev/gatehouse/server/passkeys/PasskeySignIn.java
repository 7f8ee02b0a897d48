package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.SignIn;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing in with a passkey (issue 15): alone, where the tenant allows it ({@code mfaPolicy.passwordless};
 * the passkey must verify the user — fingerprint, face or PIN — so it stands for two factors), and as the
 * second step after a password. Each assertion spends its one-use challenge, must come from a passkey
 * of the tenant (and of the user the challenge was for), and is verified by webauthn4j; a refusal is
 * the uniform 401, and the trail says why ({@code LOGIN_FAILED} with reason, a counter that went back
 * as {@code PASSKEY_CLONED}). Throttled per address, account and tenant like the password.
 */
@Service
class PasskeySignIn {

    /** The options of a sign-in ceremony, with the id to send back. */
    record Options(String challengeId, Ceremonies.RequestOptions publicKey) {}

    private final PasskeyStore store;
    private final Ceremonies ceremonies;
    private final Challenges challenges;
    private final SignInService signIn;
    /** The tenant the body names, resolved as every door open to anyone resolves it. */
    private final OpenTenants tenants;
    private final TenantSettingsStore settings;
    private final Members members;
    private final Actors actors;
    private final AuditLog audit;
    private final Throttle throttle;
    private final TransactionTemplate transaction;
    private final Clock clock;

    PasskeySignIn(PasskeyStore store, Ceremonies ceremonies, Challenges challenges, SignInService signIn,
            OpenTenants tenants, TenantSettingsStore settings, Members members, Actors actors, AuditLog audit,
            Throttle throttle, TransactionTemplate transaction, Clock clock) {
        this.store = store;
        this.ceremonies = ceremonies;
        this.challenges = challenges;
        this.signIn = signIn;
        this.tenants = tenants;
        this.settings = settings;
        this.members = members;
        this.actors = actors;
        this.audit = audit;
        this.throttle = throttle;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * A passwordless sign-in's options: with a username, that user's passkeys are allowed; without,
     * the browser offers the discoverable passkeys it holds for this site.
     *
     * @throws ApiException 401 when the tenant is unknown or does not allow passkeys alone
     */
    Options options(String tenantSlug, @Nullable String username, Origin origin) {
        String slug = tenantSlug.strip().toLowerCase(java.util.Locale.ROOT);
        String name = username == null || username.isBlank() ? null : Usernames.normalize(username);
        // Every ceremony is a row: the door's limits bound how fast anyone makes them.
        throttle.enter(new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(), new Throttle.Tenant.Slug(slug), name,
                origin.userAgent()));
        refuseIfSuspended(slug);
        TenantId tenant = passwordlessTenant(slug).orElseThrow(SignInService::refused);
        UUID user = name == null ? null : members.idOf(tenant, name).orElse(null);
        List<PasskeyStore.Passkey> allowed = user == null ? List.of() : store.ofUser(tenant, user);
        Challenges.Issued issued = transaction.execute(status -> challenges.issue(tenant, user,
                PasskeyStore.Purpose.SIGN_IN));
        return new Options(issued.id().toString(), ceremonies.request(issued.value(), allowed, true));
    }

    /** A passwordless sign-in: the passkey's assertion, then {@link SignInService#external} as PASSKEY. */
    SignIn.Outcome signIn(String tenantSlug, @Nullable String challengeId, @Nullable String credential,
            HttpServletRequest request, Origin origin) {
        String slug = tenantSlug.strip().toLowerCase(java.util.Locale.ROOT);
        UUID challengeKey = challengeId(challengeId);
        Ceremonies.Presented presented = presented(credential);
        Throttle.Permit permit = throttle.enter(new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(),
                new Throttle.Tenant.Slug(slug), null, origin.userAgent()));
        refuseIfSuspended(slug);
        Optional<TenantId> tenant = passwordlessTenant(slug);
        if (tenant.isEmpty()) {
            return new SignIn.Refused();
        }
        UUID user = permit.during(() -> prove(tenant.get(), challengeKey, PasskeyStore.Purpose.SIGN_IN, null,
                presented, true, origin));
        if (user == null) {
            return new SignIn.Refused();
        }
        permit.succeeded();
        // A user-verified passkey is something held and something known or been: the second factor too.
        return signIn.external(tenant.get(), user, "PASSKEY", true, null, request);
    }

    /** The options of a passkey as the second step of the sign-in {@code mfaToken} continues. */
    Options secondFactorOptions(String mfaToken, Origin origin) {
        Optional<SignInService.PendingChallenge> pending = signIn.challengeOf(mfaToken);
        throttle.enter(secondFactorAttempt(pending, origin));
        if (pending.isEmpty()) {
            throw SignInService.refused();
        }
        List<PasskeyStore.Passkey> allowed = store.ofUser(pending.get().tenant(), pending.get().userId());
        if (allowed.isEmpty()) {
            throw ApiException.badRequest("mfaToken", "this account has no passkey; use a code instead");
        }
        Challenges.Issued issued = transaction.execute(status -> challenges.issue(pending.get().tenant(),
                pending.get().userId(), PasskeyStore.Purpose.SECOND_FACTOR));
        return new Options(issued.id().toString(), ceremonies.request(issued.value(), allowed, false));
    }

    /** A passkey as the second step: verified for the challenge's own user, then the sign-in completes. */
    SignIn.Outcome secondFactor(String mfaToken, @Nullable String challengeId, @Nullable String credential,
            HttpServletRequest request, Origin origin) {
        UUID challengeKey = challengeId(challengeId);
        Ceremonies.Presented presented = presented(credential);
        Optional<SignInService.PendingChallenge> pending = signIn.challengeOf(mfaToken);
        Throttle.Permit permit = throttle.enter(secondFactorAttempt(pending, origin));
        if (pending.isEmpty()) {
            return new SignIn.Refused();
        }
        UUID user = permit.during(() -> prove(pending.get().tenant(), challengeKey, PasskeyStore.Purpose.SECOND_FACTOR,
                pending.get().userId(), presented, false, origin));
        if (user == null) {
            return new SignIn.Refused();
        }
        permit.succeeded();
        return signIn.secondFactorProved(mfaToken, "PASSKEY", request);
    }

    /**
     * Spends the challenge and verifies the assertion, in a transaction of its own that commits the
     * spent challenge, the new counter and any refusal's trail; answers the passkey's user, or null.
     */
    private @Nullable UUID prove(TenantId tenant, UUID challengeKey, PasskeyStore.Purpose purpose,
            @Nullable UUID expectedUser, Ceremonies.Presented presented, boolean userVerification, Origin origin) {
        return transaction.execute(status -> {
            Optional<PasskeyStore.Challenge> challenge = challenges.spend(tenant, challengeKey, purpose);
            if (challenge.isEmpty()) {
                return null;
            }
            UUID bound = expectedUser != null ? expectedUser : challenge.get().userId();
            if (expectedUser != null && !expectedUser.equals(challenge.get().userId())) {
                return null;
            }
            Optional<PasskeyStore.Passkey> found = store.byCredentialForUpdate(tenant, presented.credentialId());
            if (found.isEmpty()) {
                // No passkey of this tenant: nobody's account to record the attempt on.
                return null;
            }
            PasskeyStore.Passkey passkey = found.get();
            UUID handle = Ceremonies.userOfHandle(presented.userHandle());
            if ((bound != null && !bound.equals(passkey.userId())) || (handle != null && !handle.equals(passkey.userId()))) {
                refused(passkey, "PASSKEY_OF_ANOTHER_USER", origin);
                return null;
            }
            Ceremonies.Asserted asserted;
            try {
                asserted = ceremonies.verify(presented, passkey, challenge.get().value(), userVerification);
            } catch (Ceremonies.Failed e) {
                refused(passkey, e.reason().equals("MaliciousCounterValueException") ? "PASSKEY_CLONED"
                        : "PASSKEY_NOT_VERIFIED", Map.of("check", e.reason()), origin);
                return null;
            }
            store.used(tenant, passkey.id(), asserted.signCount(), clock.instant());
            return passkey.userId();
        });
    }

    /** A suspended organisation's people are told so, as at the password step (issue 16). */
    private void refuseIfSuspended(String slug) {
        if (tenants.suspended(slug)) {
            throw SignInService.suspended();
        }
    }

    private Optional<TenantId> passwordlessTenant(String slug) {
        return tenants.bySlug(slug).map(OpenTenants.Active::id)
                .filter(id -> settings.of(id).mfaPolicy().passwordless());
    }

    private Throttle.Attempt secondFactorAttempt(Optional<SignInService.PendingChallenge> pending, Origin origin) {
        return new Throttle.Attempt(Throttle.Door.SECOND_FACTOR, origin.ip(),
                pending.<Throttle.Tenant>map(p -> new Throttle.Tenant.Id(p.tenant())).orElse(null),
                pending.map(p -> p.userId().toString()).orElse(null), origin.userAgent());
    }

    private static UUID challengeId(@Nullable String challengeId) {
        return Ids.parse(challengeId == null ? "" : challengeId.strip()).orElseThrow(() -> ApiException.badRequest(
                "challengeId", "is required: the id the options answered"));
    }

    private Ceremonies.Presented presented(@Nullable String credential) {
        if (credential == null || credential.isBlank()) {
            throw ApiException.badRequest("credential", "is required: the PublicKeyCredential the browser made");
        }
        try {
            return ceremonies.read(credential);
        } catch (Ceremonies.Unreadable e) {
            throw ApiException.badRequest("credential", e.getMessage());
        }
    }

    private void refused(PasskeyStore.Passkey passkey, String reason, Origin origin) {
        refused(passkey, reason, Map.of(), origin);
    }

    private void refused(PasskeyStore.Passkey passkey, String reason, Map<String, Object> more, Origin origin) {
        String username = members.username(passkey.tenant(), passkey.userId()).orElse(null);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("method", "PASSKEY");
        details.put("passkey", passkey.id().toString());
        details.putAll(more);
        audit.record(passkey.tenant(), "LOGIN_FAILED", actors.of(passkey.tenant(), passkey.userId(), username),
                new AuditLog.Target("user", passkey.userId().toString(), username), origin.ip(), origin.userAgent(),
                details);
    }
}
