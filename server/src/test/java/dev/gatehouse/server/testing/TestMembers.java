package dev.gatehouse.server.testing;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.users.UserStore;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Members of a tenant for the ITs, made as an admin would, through the users API (docs/style.md
 * rule 12): {@code TestMembers.member("gus").holding("front_desk").at(downtown).withEmail().withMfa()
 * .create(api, tenant)}.
 * A created member has signed in once and chosen their own password (seed 001); {@link Member#token()}
 * opens a session on demand.
 */
public final class TestMembers {

    /** The password the admin hands over at creation. */
    public static final String INITIAL = "handed over by the admin 12345";
    /** The member's own password, chosen at the first sign-in, unless the builder names another. */
    public static final String PASSWORD = "a staff member's own passphrase";

    private TestMembers() {}

    public static Builder member(String username) {
        return new Builder(username);
    }

    /**
     * A member: id, username and own password; {@link #token()} is their session, opened the first
     * time it is asked for, {@link #signIn()} a further one.
     */
    public static final class Member {
        private final ApiClient api;
        private final String slug;
        private final String id;
        private final String username;
        private final String password;
        private @Nullable String token;
        private @Nullable Authenticator authenticator;

        Member(ApiClient api, String slug, String id, String username, String password) {
            this.api = api;
            this.slug = slug;
            this.id = id;
            this.username = username;
            this.password = password;
        }

        public String id() {
            return id;
        }

        public String username() {
            return username;
        }

        public String password() {
            return password;
        }

        public synchronized String token() {
            if (token == null) {
                token = signIn();
            }
            return token;
        }

        /** The authenticator app enrolled by {@link Builder#withMfa()}; null without. */
        public @Nullable Authenticator authenticator() {
            return authenticator;
        }

        /** A new session of the member (before a second factor is enrolled: sign-in then asks for a code). */
        public String signIn() {
            return api.login(slug, username, password);
        }
    }

    private record Held(String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {
        Held at(String where) {
            return new Held(role, where, startsAt, expiresAt);
        }

        Held from(Instant start) {
            return new Held(role, location, start, expiresAt);
        }

        Held until(Instant end) {
            return new Held(role, location, startsAt, end);
        }

        String json() {
            List<Object> fields = new ArrayList<>(List.of("role", role));
            if (location != null) {
                fields.addAll(List.of("location", location));
            }
            if (startsAt != null) {
                fields.addAll(List.of("startsAt", startsAt.toString()));
            }
            if (expiresAt != null) {
                fields.addAll(List.of("expiresAt", expiresAt.toString()));
            }
            return ApiClient.json(fields.toArray());
        }
    }

    /** How the account starts: signing in with the admin's password, invited by e-mail, or disabled. */
    private enum Start { PASSWORD, INVITED, DISABLED }

    public static final class Builder {
        private final String username;
        private final List<Held> roles = new ArrayList<>();
        private @Nullable String rolesJson;
        private String firstName = "First";
        private String lastName = "Last";
        private @Nullable String email;
        private boolean emailAtTenant;
        private String initial = INITIAL;
        private String password = PASSWORD;
        private boolean keepFirstSession = true;
        private boolean mfa;
        private Start start = Start.PASSWORD;

        private Builder(String username) {
            this.username = username;
        }

        /** Holds {@code role} tenant-wide, or where {@link #at} says. Repeatable. */
        public Builder holding(String role) {
            roles.add(new Held(role, null, null, null));
            return this;
        }

        /** The last role named by {@link #holding} is held at {@code location} (an id). */
        public Builder at(String location) {
            roles.add(roles.removeLast().at(location));
            return this;
        }

        /** The last role named by {@link #holding} holds from {@code start} on. */
        public Builder from(Instant start) {
            roles.add(roles.removeLast().from(start));
            return this;
        }

        /** The last role named by {@link #holding} holds until {@code end} (which may be past). */
        public Builder until(Instant end) {
            roles.add(roles.removeLast().until(end));
            return this;
        }

        /** Roles exactly as the users API takes them (a JSON array), for rows the builder does not name. */
        public Builder holdingJson(String rolesJson) {
            this.rolesJson = rolesJson;
            return this;
        }

        public Builder called(String first, String last) {
            this.firstName = first;
            this.lastName = last;
            return this;
        }

        /** An address at the tenant: {@code <username>@<slug>.example}. */
        public Builder withEmail() {
            this.emailAtTenant = true;
            return this;
        }

        public Builder withEmail(String address) {
            this.email = address;
            return this;
        }

        /** The password handed over at creation and the one the member then chooses. */
        public Builder passwords(String initial, String own) {
            this.initial = initial;
            this.password = own;
            return this;
        }

        /** The session that changed the password is signed out: the member starts with no session. */
        public Builder signedOutAfterFirstSignIn() {
            this.keepFirstSession = false;
            return this;
        }

        /**
         * The member enrols and confirms an authenticator app in their session ({@link Member#token()},
         * opened at creation); {@link Member#authenticator()} answers its codes.
         */
        public Builder withMfa() {
            this.mfa = true;
            return this;
        }

        /** Made without a password: the users API invites them, and they stay INVITED (no sign-in). */
        public Builder invited() {
            this.start = Start.INVITED;
            return this;
        }

        /** Made inactive (status DISABLED at creation), as an admin records someone who may not sign in yet. */
        public Builder disabled() {
            this.start = Start.DISABLED;
            return this;
        }

        /** Created by the tenant's admin; the member has signed in and chosen their own password. */
        public Member create(ApiClient api, SignedInTenant tenant) {
            return create(api, tenant.slug(), tenant.adminToken());
        }

        /** Created by {@code creatorToken}, someone who may create users in tenant {@code slug}. */
        public Member create(ApiClient api, String slug, String creatorToken) {
            if (start != Start.PASSWORD) {
                throw new IllegalStateException(start + " members cannot sign in: use createWithoutSignIn");
            }
            String id = createWithoutSignIn(api, slug, creatorToken);
            String first = api.login(slug, username, initial);
            changePassword(api, first, initial, password);
            if (!keepFirstSession) {
                api.post("/api/v1/auth/logout", first, "");
            }
            Member member = new Member(api, slug, id, username, password);
            if (mfa) {
                member.authenticator = enrolTotp(api, member.token());
            }
            return member;
        }

        /** Only the account, by the tenant's admin; answers its id. */
        public String createWithoutSignIn(ApiClient api, SignedInTenant tenant) {
            return createWithoutSignIn(api, tenant.slug(), tenant.adminToken());
        }

        /** Only the account, with the admin-set password still to be changed; answers its id. */
        public String createWithoutSignIn(ApiClient api, String slug, String creatorToken) {
            String address = email != null ? email : emailAtTenant ? username + "@" + slug + ".example" : null;
            String rolesJson = this.rolesJson != null ? this.rolesJson
                    : "[" + String.join(",", roles.stream().map(Held::json).toList()) + "]";
            List<Object> fields = new ArrayList<>(List.of("username", username, "firstName", firstName, "lastName",
                    lastName, "roles", raw(rolesJson)));
            if (address != null) {
                fields.addAll(List.of("email", address));
            }
            if (start != Start.INVITED) {
                fields.addAll(List.of("password", initial));
            }
            if (start == Start.DISABLED) {
                fields.addAll(List.of("status", "DISABLED"));
            }
            String body = json(fields.toArray());
            Response created = api.post("/api/v1/tenants/" + slug + "/users", creatorToken, body);
            if (created.status() != 201) {
                throw new AssertionError("user " + username + " not created: " + created.raw());
            }
            return created.text("/id");
        }
    }

    /**
     * A role {@code user} holds through a feature other than the users API ({@code source}: USER_TYPE,
     * ELEVATION, BREAK_GLASS, DELEGATION), stored as that feature stores it and announced as it announces
     * it. Not through the API: a test holding every source side by side in one tenant needs states no API
     * makes, such as a delegation whose lender does not hold the role.
     */
    public static void holdsThrough(ApplicationContext context, SignedInTenant tenant, String user, String source,
            String role, @Nullable String location, @Nullable Instant expiresAt, @Nullable String grantedBy) {
        TenantId id = new TenantId(UUID.fromString(tenant.id()));
        UUID holder = UUID.fromString(user);
        context.getBean(TransactionTemplate.class).executeWithoutResult(tx -> {
            context.getBean(Assignments.class).insert(id, holder, role,
                    location == null ? null : UUID.fromString(location), null, expiresAt, source,
                    grantedBy == null ? null : UUID.fromString(grantedBy));
            context.getBean(AccessChanges.class).subjectChanged(id, holder);
        });
    }

    /**
     * An active operator of the platform tenant with {@link #PASSWORD}, holding the platform role
     * {@code role} (none when null); answers their id. Not through the API: the platform tenant's
     * paths answer 404 to every caller (shared.TenantPaths), so no API makes operators.
     */
    public static UUID platformOperator(ApplicationContext context, String username, @Nullable String role,
            @Nullable String email) {
        TenantId platform = context.getBean(TenantDirectory.class).idOf("platform").orElseThrow();
        String hash = context.getBean(Passwords.class).hash(PASSWORD);
        return context.getBean(TransactionTemplate.class).execute(tx -> {
            UUID id = context.getBean(UserStore.class).insert(platform, new UserStore.NewUser(username, "Op",
                    username, email, null, "HUMAN", "ACTIVE", hash, List.of()));
            if (role != null) {
                context.getBean(Assignments.class).insert(platform, id, role, null, null, null, "DIRECT", null);
            }
            context.getBean(AccessChanges.class).subjectChanged(platform, id);
            return id;
        });
    }

    /** seed 001: the first sign-in with a password set by someone else changes it; answers a new session. */
    public static String firstSignIn(ApiClient api, String slug, String username, String initial, String own) {
        String first = api.login(slug, username, initial);
        changePassword(api, first, initial, own);
        return api.login(slug, username, own);
    }

    private static void changePassword(ApiClient api, String token, String current, String own) {
        Response changed = api.post("/api/v1/me/password", token, json("currentPassword", current, "newPassword", own));
        if (changed.status() != 204) {
            throw new AssertionError("password change failed: " + changed.raw());
        }
    }

    /** An authenticator app: the secret it was given at enrolment, and the recovery codes. */
    public record Authenticator(byte[] secret, List<String> recoveryCodes) {
        /** The code the app shows {@code offset} steps from now. */
        public String code(int offset) {
            long step = Math.floorDiv(Instant.now().getEpochSecond(), 30) + offset;
            try {
                return String.format("%06d", new HmacOneTimePasswordGenerator(6)
                        .generateOneTimePassword(new SecretKeySpec(secret, "HmacSHA1"), step));
            } catch (java.security.InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Enrols and confirms an authenticator app for the session's user. */
    public static Authenticator enrolTotp(ApiClient api, String token) {
        Response enrolment = api.post("/api/v1/me/mfa/totp", token, "{}");
        if (enrolment.status() != 200) {
            throw new AssertionError("enrolment failed: " + enrolment.raw());
        }
        byte[] secret = base32(enrolment.text("/secret"));
        Authenticator app = new Authenticator(secret, List.of());
        Response confirmed = api.post("/api/v1/me/mfa/totp/confirm", token, json("code", app.code(0)));
        if (confirmed.status() != 200) {
            throw new AssertionError("confirmation failed: " + confirmed.raw());
        }
        List<String> codes = new ArrayList<>();
        confirmed.body().path("recoveryCodes").forEach(code -> codes.add(code.asString()));
        return new Authenticator(secret, List.copyOf(codes));
    }

    /** The bytes of a base32 key, as an authenticator app reads the one it is shown. */
    public static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
