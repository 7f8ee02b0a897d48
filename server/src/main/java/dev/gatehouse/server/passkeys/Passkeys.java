package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.MySecondFactor;
import dev.gatehouse.server.authentication.PasskeyFactors;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's passkeys (issue 15): register several, each with a name, rename and remove them; an
 * administrator lists and removes another user's under the who-may-act-on-whom rule. Registering
 * needs a recent re-authentication, as removing does: a passkey signs in on its own where the tenant
 * allows it, so a borrowed session must not be able to leave one behind.
 */
@Service
class Passkeys implements PasskeyFactors {

    /** Enough for a phone, a laptop and a few security keys; a list nobody can grow without bound. */
    static final int MAX_PER_USER = 20;
    static final int MAX_NAME = 64;

    /** A passkey as the API shows it; its key and credential id are never needed by a client. */
    record View(String id, String name, Instant createdAt, @Nullable Instant lastUsedAt, List<String> transports,
            boolean userVerified) {

        static View of(PasskeyStore.Passkey passkey) {
            return new View(passkey.id().toString(), passkey.name(), passkey.createdAt(), passkey.lastUsedAt(),
                    passkey.transports(), passkey.userVerified());
        }
    }

    /** A registration ceremony begun: the id to send back with the credential, and the options for the browser. */
    record Registration(String challengeId, Ceremonies.CreationOptions publicKey) {}

    private final PasskeyStore store;
    private final Ceremonies ceremonies;
    private final Challenges challenges;
    private final Reauthentication reauthentication;
    private final MySecondFactor secondFactor;
    private final Access access;
    private final Actors actors;
    private final Members members;
    private final TenantDirectory tenants;
    private final AuditLog audit;
    private final Clock clock;

    Passkeys(PasskeyStore store, Ceremonies ceremonies, Challenges challenges, Reauthentication reauthentication,
            MySecondFactor secondFactor, Access access, Actors actors, Members members, TenantDirectory tenants,
            AuditLog audit, Clock clock) {
        this.store = store;
        this.ceremonies = ceremonies;
        this.challenges = challenges;
        this.reauthentication = reauthentication;
        this.secondFactor = secondFactor;
        this.access = access;
        this.actors = actors;
        this.members = members;
        this.tenants = tenants;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public boolean hasPasskey(TenantId tenant, UUID user) {
        return store.hasAny(tenant, user);
    }

    List<View> mine(Caller caller) {
        return store.ofUser(caller.tenant(), caller.userId()).stream().map(View::of).toList();
    }

    /** Starts registering a passkey: a one-use challenge and the options for {@code navigator.credentials.create}. */
    @Transactional
    Registration options(Caller caller) {
        mayRegister(caller);
        List<PasskeyStore.Passkey> existing = store.ofUser(caller.tenant(), caller.userId());
        if (existing.size() >= MAX_PER_USER) {
            throw ApiException.conflict("you have " + MAX_PER_USER + " passkeys, the most one may have; remove one first");
        }
        Challenges.Issued issued = challenges.issue(caller.tenant(), caller.userId(), PasskeyStore.Purpose.REGISTER);
        return new Registration(issued.id().toString(), ceremonies.creation(issued.value(), caller.userId(),
                caller.username(), caller.username(), tenants.name(caller.tenant()), existing));
    }

    /**
     * Verifies and keeps a new passkey, audited {@code PASSKEY_REGISTERED}; a pending
     * {@code CONFIGURE_MFA} is then done.
     *
     * @throws ApiException 400 naming {@code name}, {@code challengeId} or {@code credential}
     */
    @Transactional
    View register(Caller caller, @Nullable String name, @Nullable String challengeId, @Nullable String credential,
            Origin origin) {
        mayRegister(caller);
        String named = name(name);
        UUID challengeKey = Ids.parse(challengeId == null ? "" : challengeId.strip())
                .orElseThrow(() -> ApiException.badRequest("challengeId", "is required: the id POST /api/v1/me/passkeys/options"
                        + " answered"));
        if (credential == null || credential.isBlank()) {
            throw ApiException.badRequest("credential", "is required: the PublicKeyCredential the browser made");
        }
        if (store.count(caller.tenant(), caller.userId()) >= MAX_PER_USER) {
            throw ApiException.conflict("you have " + MAX_PER_USER + " passkeys, the most one may have; remove one first");
        }
        PasskeyStore.Challenge challenge = challenges.spend(caller.tenant(), challengeKey, PasskeyStore.Purpose.REGISTER)
                .filter(c -> caller.userId().equals(c.userId()))
                .orElseThrow(() -> ApiException.badRequest("challengeId", "is unknown, used or expired; ask for new options"));
        Ceremonies.Registered registered;
        try {
            registered = ceremonies.register(credential, challenge.value());
        } catch (Ceremonies.Unreadable e) {
            throw ApiException.badRequest("credential", e.getMessage());
        } catch (Ceremonies.Failed e) {
            throw ApiException.badRequest("credential", "did not verify (" + e.reason() + ")");
        }
        if (store.credentialExists(caller.tenant(), registered.credentialId())) {
            throw ApiException.conflict("this passkey is already registered");
        }
        PasskeyStore.Passkey passkey = new PasskeyStore.Passkey(UUID.randomUUID(), caller.tenant(), caller.userId(),
                registered.credentialId(), registered.attestedCredentialData(), registered.signCount(),
                registered.transports(), registered.userVerified(), named, clock.instant(), null);
        store.insert(passkey);
        audit.record(caller.tenant(), "PASSKEY_REGISTERED", actors.actor(caller), target(caller.userId(),
                caller.username()), origin.ip(), origin.userAgent(), details(passkey, "self"));
        secondFactor.passkeysChanged(caller.tenant(), caller.userId());
        return View.of(passkey);
    }

    @Transactional
    View rename(Caller caller, UUID id, @Nullable String name, Origin origin) {
        caller.refuseIfImpersonated("rename the user's passkey");
        String named = name(name);
        PasskeyStore.Passkey passkey = own(caller, id);
        store.rename(caller.tenant(), id, named);
        Map<String, Object> details = details(passkey, "self");
        details.put("name", named);
        details.put("previousName", passkey.name());
        audit.record(caller.tenant(), "PASSKEY_RENAMED", actors.actor(caller), target(caller.userId(),
                caller.username()), origin.ip(), origin.userAgent(), details);
        return View.of(store.find(caller.tenant(), id).orElseThrow());
    }

    /** Removes one of the caller's passkeys; needs a recent re-authentication, as other second-factor changes do. */
    @Transactional
    void remove(Caller caller, UUID id, Origin origin) {
        caller.refuseIfImpersonated("remove the user's passkey");
        PasskeyStore.Passkey passkey = own(caller, id);
        reauthentication.require(caller);
        removed(caller, passkey, caller.username(), "self", origin);
    }

    /** An administrator's view of another user's passkeys: users.read, covering the user. */
    List<View> ofUser(Caller caller, TenantId tenant, UUID user) {
        other(caller, tenant, user, "users.read", "see the passkeys of");
        return store.ofUser(tenant, user).stream().map(View::of).toList();
    }

    /** An administrator removes another user's passkey (lost or stolen): users.edit, covering them, never oneself here. */
    @Transactional
    void removeOf(Caller caller, TenantId tenant, UUID user, UUID id, Origin origin) {
        String username = other(caller, tenant, user, "users.edit", "remove a passkey of");
        PasskeyStore.Passkey passkey = store.find(tenant, id).filter(p -> p.userId().equals(user))
                .orElseThrow(() -> ApiException.notFound("passkey " + id));
        removed(caller, passkey, username, "administrator", origin);
    }

    private void removed(Caller caller, PasskeyStore.Passkey passkey, String username, String by, Origin origin) {
        store.delete(passkey.tenant(), passkey.id());
        audit.record(passkey.tenant(), "PASSKEY_REMOVED", actors.actor(caller), target(passkey.userId(), username),
                origin.ip(), origin.userAgent(), details(passkey, by));
        // The last one gone, a tenant that requires a second factor asks for one again.
        secondFactor.passkeysChanged(passkey.tenant(), passkey.userId());
    }

    /** Checks the caller may act on another user's passkeys; answers the user's name. 404 for unknown users. */
    private String other(Caller caller, TenantId tenant, UUID user, String permission, String what) {
        if (caller.userId().equals(user)) {
            throw ApiException.forbidden("use /api/v1/me/passkeys for your own passkeys");
        }
        access.require(caller, permission, null);
        String username = members.username(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        access.requireCovers(caller, user, null, permission, what);
        return username;
    }

    private void mayRegister(Caller caller) {
        caller.refuseIfImpersonated("register a passkey for the user");
        // Needs a session of the user's own, recently proved: an API key or an application's token (a
        // service account never has a session, issue 12) never registers a way to sign in.
        reauthentication.require(caller);
    }

    private PasskeyStore.Passkey own(Caller caller, UUID id) {
        return store.find(caller.tenant(), id).filter(p -> p.userId().equals(caller.userId()))
                .orElseThrow(() -> ApiException.notFound("passkey " + id));
    }

    private static String name(@Nullable String name) {
        String named = name == null ? "" : name.strip();
        if (named.isEmpty()) {
            throw ApiException.badRequest("name", "is required: a name to tell this passkey from others (\"work laptop\")");
        }
        if (named.length() > MAX_NAME || named.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("name", "must be at most " + MAX_NAME + " characters, without control characters");
        }
        return named;
    }

    private static Map<String, Object> details(PasskeyStore.Passkey passkey, String by) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("passkey", passkey.id().toString());
        details.put("name", passkey.name());
        details.put("by", by);
        return details;
    }

    static AuditLog.Target target(UUID user, String username) {
        return new AuditLog.Target("user", user.toString(), username);
    }
}
