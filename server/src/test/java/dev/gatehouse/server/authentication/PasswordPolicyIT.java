package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tenant's password policy over HTTP, at every place a password is set: a user's own change,
 * an admin-set password, a new tenant's first admin, an invitation link and the admin's temporary
 * password; with the defaults (length 15, blocklist, context words) and each setting switched on.
 */
class PasswordPolicyIT extends IntegrationTest {

    private static final String INITIAL = "handed over by the admin 12345";
    private static final String OWN = "a passphrase of the staff member";

    @Autowired
    JdbcClient jdbc;

    /** A staff member created with an admin-set password, signed in and still required to change it. */
    private record Staff(String id, String username, String token) {}

    private Staff staff(SignedInTenant clinic, String username) {
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", username, "firstName",
                "Marguerite", "lastName", "Long", "email", username + "@mail.example", "password", INITIAL));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return new Staff(created.text("/id"), username, api.login(clinic.slug(), username, INITIAL));
    }

    private Response change(String token, String current, String next) {
        return api.post("/api/v1/me/password", token, json("currentPassword", current, "newPassword", next));
    }

    private Response signIn(SignedInTenant clinic, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", username, "password",
                password));
    }

    private Response settings(SignedInTenant clinic, String passwordPolicy) {
        Response patched = api.patch(clinic.path("/settings"), clinic.adminToken(),
                json("passwordPolicy", raw(passwordPolicy)));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        return patched;
    }

    private static void assertRejected(Response response, String field, String rule) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        assertThat(response.text("/errors/0/field")).isEqualTo(field);
        assertThat(response.text("/errors/0/rule")).isEqualTo(rule);
        assertThat(response.text("/errors/0/message")).contains(rule);
    }

    @Test
    void eachDefaultRuleRejectsAnOwnNewPasswordNamingTheFieldAndTheRule() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "marguerite");
        assertRejected(change(staff.token(), INITIAL, "fourteen chars"), "newPassword", "minLength");
        assertRejected(change(staff.token(), INITIAL, "x".repeat(257)), "newPassword", "maxLength");
        assertRejected(change(staff.token(), INITIAL, "1qaz2wsx3edc4rfv"), "newPassword", "blocklist");
        assertRejected(change(staff.token(), INITIAL, "1QAZ2wsx3EDC4rfv"), "newPassword", "blocklist");
        assertRejected(change(staff.token(), INITIAL, "Marguerite-2026!"), "newPassword", "context");
        assertRejected(change(staff.token(), INITIAL, clinic.slug() + "#1"), "newPassword", "context");
        assertRejected(change(staff.token(), INITIAL, "mail.example 1234"), "newPassword", "context");
        assertThat(change(staff.token(), INITIAL, "marguerite keeps a long garden diary").status())
                .as("a context word inside a passphrase long enough without it").isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), "marguerite keeps a long garden diary").status()).isEqualTo(200);
    }

    @Test
    void theIssuesWeakPasswordsAreRefusedWherePasswordsAreSet() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "weakling");
        Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "newcomer",
                "firstName", "New", "lastName", "Comer", "email", "newcomer@mail.example"));
        String token = invited.text("/invitationUrl").replaceFirst(".*token=", "");
        for (String weak : List.of("passwordpassword", "1234567890123456", "iloveyouiloveyou", "qwertyuiopasdfgh")) {
            Response own = change(staff.token(), INITIAL, weak);
            assertRejected(own, "newPassword", "strength");
            assertThat(own.text("/errors/0/message")).as(weak).startsWith("is too easy to guess: ");
            assertRejected(api.post(clinic.path("/users"), clinic.adminToken(), json("username", "u" + weak,
                    "firstName", "U", "lastName", "W", "password", weak)), "password", "strength");
            assertRejected(api.post("/api/v1/auth/tokens/accept", null, json("token", token, "newPassword", weak)),
                    "newPassword", "strength");
        }
        assertThat(change(staff.token(), INITIAL, "my bike has a squeaky back wheel").status()).isEqualTo(204);
    }

    @Test
    void seed004sTwelveCharacterCompositionPolicyWorksWithoutASecondFactor() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "twelve");
        settings(clinic, json("minLength", 12, "requireUpper", true, "requireLower", true, "requireDigit", true,
                "requireSymbol", true));
        assertRejected(change(staff.token(), INITIAL, "Short1!abc"), "newPassword", "minLength");
        assertRejected(change(staff.token(), INITIAL, "Password123!"), "newPassword", "strength");
        assertThat(change(staff.token(), INITIAL, "Vq7#Lm2!Rw9z").status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), "Vq7#Lm2!Rw9z").status()).isEqualTo(200);
    }

    @Test
    void theBlocklistCanBeSwitchedOffByTheTenant() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "blocky");
        settings(clinic, json("blockCommon", false));
        assertThat(change(staff.token(), INITIAL, "1qaz2wsx3edc4rfv").status()).isEqualTo(204);
    }

    @Test
    void anAdminSetPasswordAndANewTenantsFirstAdminMeetThePolicy() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response shortOne = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "shorty",
                "firstName", "S", "lastName", "T", "password", "too short"));
        assertRejected(shortOne, "password", "minLength");
        Response named = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "bartholomew",
                "firstName", "B", "lastName", "T", "password", "Bartholomew2026!"));
        assertRejected(named, "password", "context");
        assertThat(api.get(clinic.path("/users?q=bartholomew"), clinic.adminToken()).body().at("/total").asInt())
                .as("nothing created").isZero();

        String slug = uniqueSlug("pwpolicy");
        Response common = api.post("/api/v1/tenants", operatorToken(), json("slug", slug, "name", "Rosewood Dental",
                "pack", "clinic", "admin", raw(json("username", "boss", "firstName", "B", "lastName", "O",
                        "password", "123456789987654321"))));
        assertRejected(common, "admin.password", "blocklist");
        Response rosewood = api.post("/api/v1/tenants", operatorToken(), json("slug", slug, "name", "Rosewood Dental",
                "pack", "clinic", "admin", raw(json("username", "boss", "firstName", "B", "lastName", "O",
                        "password", "Rosewood-Dental-1"))));
        assertRejected(rosewood, "admin.password", "context");
        assertThat(api.get("/api/v1/tenants/" + slug, operatorToken()).status()).as("nothing created").isEqualTo(404);
    }

    /**
     * Issue 17: an admin-set password is held against the tenant's name and slug as the path's scope has
     * them (a rename holds at once), and the user's row starts the password's age while the history gets
     * its first entry.
     */
    @Test
    void anAdminSetPasswordLeansOnNeitherTheTenantsNameNorItsSlugAndStartsItsAgeAndHistory() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response renamed = api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("name", "Marigold Wellness"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertRejected(api.post(clinic.path("/users"), clinic.adminToken(), json("username", "nameuser", "firstName", "N",
                "lastName", "U", "password", "Marigold-Wellness-1")), "password", "context");
        assertRejected(api.post(clinic.path("/users"), clinic.adminToken(), json("username", "sluguser", "firstName", "S",
                "lastName", "U", "password", clinic.slug() + "-1")), "password", "context");

        Staff staff = staff(clinic, "firstday");
        Map<String, Object> started = jdbc.sql("""
                        select u.password_changed_at = h.created_at as same, count(*) over () as entries
                        from users u join password_history h on h.tenant_id = u.tenant_id and h.user_id = u.id
                        where u.id = :user
                        """)
                .param("user", UUID.fromString(staff.id())).query().singleRow();
        assertThat(started).as("one history entry, from the moment the row says").containsEntry("same", true)
                .containsEntry("entries", 1L);
    }

    @Test
    void anInvitationIsAcceptedOnlyWithAPasswordThatMeetsThePolicy() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "invitee",
                "firstName", "I", "lastName", "N", "email", "invitee@mail.example"));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        String token = invited.text("/invitationUrl").replaceFirst(".*token=", "");
        assertRejected(api.post("/api/v1/auth/tokens/accept", null, json("token", token, "newPassword",
                "qazwsxedcrfvtgb")), "newPassword", "blocklist");
        assertRejected(api.post("/api/v1/auth/tokens/accept", null, json("token", token, "newPassword", "short")),
                "newPassword", "minLength");
        assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", token, "newPassword", OWN)).status())
                .isEqualTo(204);
        assertThat(signIn(clinic, "invitee", OWN).status()).isEqualTo(200);
    }

    @Test
    void longPasswordsAreAcceptedAndNeverTruncated() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "lengthy");
        String sixtyFour = "0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ!";
        assertThat(sixtyFour).hasSize(64);
        assertThat(change(staff.token(), INITIAL, sixtyFour).status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), sixtyFour).status()).isEqualTo(200);
        assertThat(signIn(clinic, staff.username(), sixtyFour.substring(0, 63)).status()).isEqualTo(401);

        String twoHundred = (sixtyFour + sixtyFour + sixtyFour + sixtyFour).substring(0, 200);
        String token = api.login(clinic.slug(), staff.username(), sixtyFour);
        assertThat(change(token, sixtyFour, twoHundred).status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), twoHundred).status()).isEqualTo(200);
        assertThat(signIn(clinic, staff.username(), twoHundred.substring(0, 199)).status()).isEqualTo(401);
    }

    @Test
    void unicodeIsCountedByCodePointsAndNormalisedWithNfkc() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "emoji");
        String fourteen = "😀🐱🌵🚲🎈🍋🦊🌙⚓🎻🧩🍄🐢🔑";
        assertThat(fourteen.codePointCount(0, fourteen.length())).isEqualTo(14);
        assertRejected(change(staff.token(), INITIAL, fourteen), "newPassword", "minLength");
        String fifteen = fourteen + "🪁";
        assertThat(change(staff.token(), INITIAL, fifteen).status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), fifteen).status()).isEqualTo(200);
        assertThat(signIn(clinic, staff.username(), fourteen).status()).isEqualTo(401);

        // Full-width letters (an East Asian keyboard) are the same password as their ASCII forms.
        String fullWidth = "ｆｕｌｌ ｗｉｄｔｈ ｐａｓｓｐｈｒａｓｅ";
        String token = api.login(clinic.slug(), staff.username(), fifteen);
        assertThat(change(token, fifteen, fullWidth).status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), "full width passphrase").status()).isEqualTo(200);
    }

    @Test
    void compositionRulesApplyOnlyWhenTheTenantSwitchesThemOn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "composer");
        // seed 004: "at least 12 characters with a mix of uppercase, lowercase, numbers, and a special character"
        settings(clinic, json("minLength", 15, "requireUpper", true, "requireLower", true, "requireDigit", true,
                "requireSymbol", true));
        assertRejected(change(staff.token(), INITIAL, "all lower case words 1!"), "newPassword", "requireUpper");
        assertRejected(change(staff.token(), INITIAL, "ALL UPPER CASE WORDS 1!"), "newPassword", "requireLower");
        assertRejected(change(staff.token(), INITIAL, "Mixed Case Without Digits!"), "newPassword", "requireDigit");
        assertRejected(change(staff.token(), INITIAL, "MixedCaseAndDigits2026"), "newPassword", "requireSymbol");
        assertThat(change(staff.token(), INITIAL, "Mixed Case, Digits 2026 & Symbols").status()).isEqualTo(204);
    }

    @Test
    void theLastPasswordsCannotBeReusedWhenHistoryIsOn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "historian");
        settings(clinic, json("historyCount", 3));
        List<String> passwords = List.of("first of my passphrases", "second of my passphrases",
                "third of my passphrases");
        String current = INITIAL;
        String token = staff.token();
        for (String next : passwords) {
            assertThat(change(token, current, next).status()).isEqualTo(204);
            current = next;
            token = api.login(clinic.slug(), staff.username(), current);
        }
        // The last three: the third (current), the second and the first; the admin's is older.
        assertRejected(change(token, current, "second of my passphrases"), "newPassword", "history");
        assertRejected(change(token, current, "first of my passphrases"), "newPassword", "history");
        assertThat(change(token, current, INITIAL).status()).as("the fourth most recent is allowed").isEqualTo(204);
        assertThat(jdbc.sql("select count(*) from password_history where user_id = :user")
                .param("user", UUID.fromString(staff.id())).query(Integer.class).single())
                .as("every change recorded, as hashes").isEqualTo(5);
        assertThat(jdbc.sql("select bool_and(password_hash like '{argon2}%') from password_history where user_id = :user")
                .param("user", UUID.fromString(staff.id())).query(Boolean.class).single()).isTrue();
    }

    @Test
    void anExpiredPasswordMustBeChangedAtSignIn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "expiring");
        assertThat(change(staff.token(), INITIAL, OWN).status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), OWN).body().at("/requiredActions").size())
                .as("no maximum age by default").isZero();
        settings(clinic, json("maxAgeDays", 30));
        backdate(staff, 29);
        assertThat(signIn(clinic, staff.username(), OWN).body().at("/requiredActions").size()).isZero();
        backdate(staff, 31);
        Response expired = signIn(clinic, staff.username(), OWN);
        assertThat(expired.status()).isEqualTo(200);
        assertThat(expired.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");
        String token = expired.text("/token");
        assertThat(api.get(clinic.path("/users"), token).status()).as("confined to changing it").isEqualTo(403);
        assertThat(change(token, OWN, "a fresh passphrase for the new month").status()).isEqualTo(204);
        assertThat(signIn(clinic, staff.username(), "a fresh passphrase for the new month").body()
                .at("/requiredActions").size()).isZero();
    }

    private void backdate(Staff staff, int days) {
        jdbc.sql("update users set password_changed_at = now() - make_interval(days => :days) where id = :user")
                .param("days", days).param("user", UUID.fromString(staff.id())).update();
    }

    @Test
    void anAdminSetsATemporaryPasswordThatEndsSessionsAndMustBeChanged() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "forgetful");
        assertThat(change(staff.token(), INITIAL, OWN).status()).isEqualTo(204);
        String session = api.login(clinic.slug(), staff.username(), OWN);
        String reset = clinic.path("/users/" + staff.id() + "/password-reset");

        assertRejected(api.post(reset, clinic.adminToken(), json("temporaryPassword", "qwerty123456789")),
                "temporaryPassword", "blocklist");
        Response wrongType = api.post(reset, clinic.adminToken(), "{\"temporaryPassword\": {\"not\": \"a string\"}}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.text("/errors/0/field")).isEqualTo("temporaryPassword");
        assertThat(wrongType.body().at("/errors/0").has("rule")).as("only policy rules are named: " + wrongType.raw()).isFalse();
        assertThat(api.get("/api/v1/me", session).status()).as("a rejected reset changes nothing").isEqualTo(200);

        Response done = api.post(reset, clinic.adminToken(), json("temporaryPassword", "temporary but long enough"));
        assertThat(done.status()).as(done.raw()).isEqualTo(202);
        assertThat(done.body().isObject()).isTrue();
        assertThat(done.body().has("resetUrl")).isFalse();
        assertThat(api.get("/api/v1/me", session).status()).as("every session ended").isEqualTo(401);
        assertThat(signIn(clinic, staff.username(), OWN).status()).isEqualTo(401);
        Response temporary = signIn(clinic, staff.username(), "temporary but long enough");
        assertThat(temporary.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");
        assertThat(jdbc.sql("""
                        select details::text from audit_events
                        where tenant_id = :tenant and action = 'PASSWORD_RESET' and target_id = :user
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("user", staff.id())
                .query(String.class).single()).contains("temporaryPassword").doesNotContain("long enough");

        Response link = api.post(reset, clinic.adminToken(), "");
        assertThat(link.status()).isEqualTo(202);
        assertThat(link.text("/resetUrl")).as("without a body it stays the one-use link").contains("token=");
    }

    @Test
    void onlyAnAdminOfTheTenantSetsATemporaryPassword() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Staff staff = staff(clinic, "target");
        Staff other = staff(clinic, "bystander");
        String otherToken = api.login(clinic.slug(), other.username(), INITIAL);
        assertThat(change(otherToken, INITIAL, OWN).status()).isEqualTo(204);
        String body = json("temporaryPassword", "temporary but long enough");
        assertThat(api.post(clinic.path("/users/" + staff.id() + "/password-reset"),
                api.login(clinic.slug(), other.username(), OWN), body).status()).isEqualTo(403);
        SignedInTenant foreign = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.post(clinic.path("/users/" + staff.id() + "/password-reset"), foreign.adminToken(), body)
                .status()).isEqualTo(404);
        assertThat(api.post(clinic.path("/users/" + clinic.adminId() + "/password-reset"), clinic.adminToken(), body)
                .status()).as("not yourself").isEqualTo(403);
    }
}
