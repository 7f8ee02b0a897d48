package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant's password policy (settings {@code passwordPolicy}), applied wherever a password is
 * set: its own change, an invitation or reset link, an admin-set or temporary password, a new
 * tenant's first admin. A rejected password is a 400 naming the field and the rule. Every accepted
 * password is recorded ({@link #recordChange}) for {@code historyCount} and {@code maxAgeDays}.
 */
@Component
public class PasswordPolicy {

    /** The most history kept per user: the largest {@code historyCount} a tenant may set (SettingsPatch). */
    static final int HISTORY_KEPT = 24;

    private record TenantFacts(String name, String slug, TenantSettings.PasswordPolicy settings) {}

    private record UserFacts(String username, @Nullable String email, @Nullable String passwordHash,
            @Nullable String firstName, @Nullable String lastName) {}

    private final JdbcClient jdbc;
    private final Passwords passwords;
    private final Blocklist blocklist;
    private final TenantDirectory tenants;
    private final TenantSettingsStore settings;
    private final Credentials credentials;

    PasswordPolicy(JdbcClient jdbc, Passwords passwords, Blocklist blocklist, TenantDirectory tenants,
            TenantSettingsStore settings, Credentials credentials) {
        this.credentials = credentials;
        this.tenants = tenants;
        this.settings = settings;
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.blocklist = blocklist;
    }

    /**
     * Every rule, history included, for a new password of an existing user.
     *
     * @throws ApiException 400 naming {@code field} and the rule that failed
     */
    public void requireFor(String field, String password, TenantId tenant, UUID user) {
        TenantFacts facts = tenant(tenant);
        UserFacts account = credentials.facts(tenant, user)
                .map(found -> new UserFacts(found.username(), found.email(), found.passwordHash(), found.firstName(),
                        found.lastName()))
                .orElseThrow(() -> ApiException.notFound("user " + user));
        require(field, password, facts.settings(), context(facts.name(), facts.slug(), account.username(),
                account.email()), Arrays.asList(account.firstName(), account.lastName()));
        if (facts.settings().historyCount() > 0 && reused(tenant, user, password, account.passwordHash(),
                facts.settings().historyCount())) {
            throw rejected(field, new PasswordRules.Violation("history", "must not be one of your last "
                    + facts.settings().historyCount() + " passwords (history)"));
        }
    }

    /**
     * The rules for the password of a user about to be created in {@code tenant} (no history yet), whose
     * slug and display name the caller's path already read (issue 17: no read of the tenant here; a null
     * name is read).
     */
    public void requireForNewUser(String field, String password, TenantId tenant, String tenantSlug,
            @Nullable String tenantName, String username, @Nullable String email) {
        String name = tenantName == null ? tenants.name(tenant) : tenantName;
        require(field, password, settings.of(tenant).passwordPolicy(), context(name, tenantSlug, username, email),
                List.of());
    }

    /** The default rules, for the first admin of a tenant that is being created. */
    public void requireForNewTenant(String field, String password, String tenantName, String tenantSlug,
            String username, @Nullable String email) {
        require(field, password, TenantSettings.PasswordPolicy.DEFAULTS, context(tenantName, tenantSlug, username, email),
                List.of());
    }

    /**
     * Records a password just set (its hash, as stored on the user): the start of its age for
     * {@code maxAgeDays} and an entry of its history; history beyond {@value #HISTORY_KEPT} is dropped.
     */
    public void recordChange(TenantId tenant, UUID user, String hash, Instant now) {
        credentials.passwordChanged(tenant, user, now);
        insertHistory(tenant, user, hash, now);
        jdbc.sql("""
                        delete from password_history
                        where tenant_id = :tenant and user_id = :user and id not in (
                            select id from password_history where tenant_id = :tenant and user_id = :user
                            order by created_at desc limit :kept)
                        """)
                .param("tenant", tenant.value()).param("user", user).param("kept", HISTORY_KEPT).update();
    }

    /**
     * {@link #recordChange} for a user created with a password in this transaction, whose row was written
     * with the password's start ({@code password_changed_at}): only the history's first entry, nothing to
     * update and no older history to drop (issue 17: one statement instead of three).
     */
    public void recordFirst(TenantId tenant, UUID user, String hash, Instant now) {
        insertHistory(tenant, user, hash, now);
    }

    /** Seed 000 "password expiration": whether the user's password is older than the tenant's {@code maxAgeDays}. */
    public boolean isExpired(TenantId tenant, UUID user, Instant now) {
        Integer maxAge = settings.of(tenant).passwordPolicy().maxAgeDays();
        if (maxAge == null) {
            return false;
        }
        return credentials.passwordChangedAt(tenant, user)
                .map(changed -> !changed.plus(maxAge, ChronoUnit.DAYS).isAfter(now))
                .orElse(false);
    }

    /**
     * The required actions of a sign-in: the account's, plus {@code CHANGE_PASSWORD} when the password
     * has expired, which is stored so that the new session is confined to changing it.
     */
    public List<String> requiredActionsAtSignIn(TenantId tenant, UUID user, List<String> actions, Instant now) {
        if (actions.contains("CHANGE_PASSWORD") || !isExpired(tenant, user, now)) {
            return actions;
        }
        credentials.requireAction(tenant, user, "CHANGE_PASSWORD");
        List<String> required = new ArrayList<>(actions);
        required.add("CHANGE_PASSWORD");
        return List.copyOf(required);
    }

    private void require(String field, String password, TenantSettings.PasswordPolicy settings, Set<String> context,
            List<@Nullable String> names) {
        Optional<PasswordRules.Violation> violation = PasswordRules.check(password, settings, blocklist, context,
                names);
        if (violation.isPresent()) {
            throw rejected(field, violation.get());
        }
    }

    private void insertHistory(TenantId tenant, UUID user, String hash, Instant now) {
        jdbc.sql("""
                        insert into password_history (tenant_id, user_id, id, password_hash, created_at)
                        values (:tenant, :user, :id, :hash, :now)
                        """)
                .param("tenant", tenant.value()).param("user", user).param("id", UUID.randomUUID())
                .param("hash", hash).param("now", Sessions.utc(now)).update();
    }

    /** Compared with each stored hash: Argon2 hashes are salted, so each one costs a verification. */
    private boolean reused(TenantId tenant, UUID user, String password, @Nullable String current, int count) {
        if (current != null && passwords.matches(password, current)) {
            return true;
        }
        List<String> recent = jdbc.sql("""
                        select password_hash from password_history where tenant_id = :tenant and user_id = :user
                        order by created_at desc limit :count
                        """)
                .param("tenant", tenant.value()).param("user", user).param("count", count)
                .query(String.class).list();
        return recent.stream().filter(hash -> !hash.equals(current)).anyMatch(hash -> passwords.matches(password, hash));
    }

    private TenantFacts tenant(TenantId tenant) {
        TenantId id = tenants.named(tenant).map(TenantDirectory.Named::id)
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        return new TenantFacts(tenants.name(id), tenants.slug(id), settings.of(id).passwordPolicy());
    }

    private static Set<String> context(String tenantName, String tenantSlug, String username, @Nullable String email) {
        List<@Nullable String> texts = new ArrayList<>(List.of(tenantName, tenantSlug, username));
        texts.addAll(PasswordRules.emailParts(email));
        return PasswordRules.contextWords(texts);
    }

    private static ApiException rejected(String field, PasswordRules.Violation violation) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", field + ": " + violation.message(),
                List.of(new FieldError(field, violation.message(), violation.rule())));
    }
}
