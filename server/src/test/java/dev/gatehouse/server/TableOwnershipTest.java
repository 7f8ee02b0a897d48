package dev.gatehouse.server;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per table (docs/style.md rule 16: "only the owning feature's repository reads or writes
 * its table; others ask that feature"), checked on the SQL text, since SQL in a string is code
 * that no import reveals. The tables are those the Flyway migrations create; each has an owning
 * package below, with the reason. Every string literal and text block of the server's main
 * sources (comments ignored) is searched for a table in a SQL position — after {@code from},
 * {@code join}, {@code into}, {@code update}, {@code table}, {@code references}, {@code truncate},
 * or listed after a {@code from} (a literal that is only a table's name is not counted: "roles" and
 * "sessions" are also form fields and JSON keys). A hit outside
 * the owning package fails the build, unless it is one of the {@link #KNOWN_EXCEPTIONS}, each
 * named with the file, the table and why it is still there; a known exception that no longer
 * happens fails too, so the list only shrinks. Migrations and tests are exempt. A statement may carry
 * another owner's part (issue 17: one round trip instead of two), e.g. the session's insert with the
 * users feature's {@code Credentials.signedInPart} or the account's lock with authentication's columns
 * ({@code Credentials.Along}): the part's SQL text stays in its owner's file, which is what is read here.
 */
class TableOwnershipTest {

    /** The server module's folder: Maven runs tests there; an IDE may run them from the repository's root. */
    private static final Path MODULE = Files.isDirectory(Path.of("src/main/java/dev/gatehouse/server"))
            ? Path.of("") : Path.of("server");
    private static final Path MIGRATIONS = MODULE.resolve("src/main/resources/db/migration");
    private static final Path SOURCES = MODULE.resolve("src/main/java/dev/gatehouse/server");

    /** The package (under dev.gatehouse.server) that owns each table, and why it is that one. */
    private record Owner(Set<String> packages, String why) {
        Owner(String owner, String why) {
            this(Set.of(owner), why);
        }
    }

    private static final Map<String, Owner> OWNERS = Map.ofEntries(
            entry("tenants", new Owner("tenancy", "tenants, their settings and status (tenancy.Tenants; others ask"
                    + " through shared.TenantDirectory when they may not depend on tenancy)")),
            entry("locations", new Owner("tenancy", "the location tree is a tenant's structure (tenancy.Locations)")),
            entry("users", new Owner("users", "accounts and profiles (users.UserStore)")),
            entry("domain_mappings", new Owner("signup", "e-mail domains mapped to a tenant or its children"
                    + " (signup.DomainMappingStore, issue 16)")),
            entry("signup_requests", new Owner("signup", "registrations and role requests waiting for approval"
                    + " (signup.SignupRequestStore, issue 16)")),
            entry("approval_notices", new Owner("signup", "when each tenant's approvers were last mailed about waiting"
                    + " requests (signup.ApprovalNotices, issue 16)")),
            entry("user_tokens", new Owner("users", "invitation and reset links (users.UserTokens)")),
            entry("user_photos", new Owner("users", "profile photos (users.PhotoStore)")),
            entry("permissions", new Owner("access", "the permission catalog (access.Permissions)")),
            entry("access_change_log", new Owner("access", "announced access changes for the SDK's change stream"
                    + " (access.ChangeLog, issue 14)")),
            entry("access_change_log_pruned", new Owner("access", "how far the change log was pruned"
                    + " (access.ChangeLog)")),
            entry("roles", new Owner("access", "roles and packs (access.RoleStore, access.Roles)")),
            entry("role_parents", new Owner("access", "role inheritance, part of a role (access.RoleStore)")),
            entry("role_grants", new Owner("access", "a role's grants, part of a role (access.RoleStore)")),
            entry("assignments", new Owner("access", "who holds which role where (access.Assignments); the engine's"
                    + " input")),
            entry("sessions", new Owner("authentication", "sign-in sessions (authentication.Sessions)")),
            entry("password_history", new Owner("authentication", "password reuse (authentication.PasswordPolicy)")),
            entry("mfa_totp", new Owner("authentication", "second factors (authentication.SecondFactors)")),
            entry("mfa_recovery_codes", new Owner("authentication", "second factors (authentication.SecondFactors)")),
            entry("mfa_challenges", new Owner("authentication", "second factors (authentication.SecondFactors)")),
            entry("passkeys", new Owner("passkeys", "WebAuthn passkeys, issue 15 (passkeys.PasskeyStore)")),
            entry("passkey_challenges", new Owner("passkeys", "WebAuthn ceremonies' challenges (passkeys.PasskeyStore)")),
            entry("known_devices", new Owner("authentication", "device awareness (authentication.KnownDevices)")),
            entry("known_networks", new Owner("authentication", "device awareness (authentication.KnownDevices)")),
            entry("device_alert_mails", new Owner("authentication", "device awareness (authentication.KnownDevices)")),
            entry("audit_events", new Owner(Set.of("audit", "audittrail"), "the trail: audit appends and verifies,"
                    + " audittrail is its query side, split off only to keep the packages free of cycles"
                    + " (docs/audit.md)")),
            entry("audit_sequences", new Owner(Set.of("audit", "audittrail"), "the chain heads, as audit_events")),
            entry("audit_event_roles", new Owner(Set.of("audit", "audittrail"), "the role index of the trail, as"
                    + " audit_events")),
            entry("mail_outbox", new Owner("mail", "the outbox (mail.Outbox, mail.OutboxReader, mail.OutboxWorker)")),
            entry("platform_smtp_settings", new Owner("mail", "the SMTP server operators set in the console, password"
                    + " sealed (mail.SmtpStore, issue 16)")),
            entry("alerts", new Owner("alerts", "raised alerts (alerts.RaisedAlerts)")),
            entry("alert_settings", new Owner("alerts", "alert rules and webhook (alerts.AlertSettings)")),
            entry("alert_webhook_deliveries", new Owner("alerts", "webhook deliveries (alerts.WebhookWorker)")),
            entry("oidc_clients", new Owner("oidc", "the tenants' OAuth clients (oidc.ClientStore)")),
            entry("oidc_signing_keys", new Owner("oidc", "the provider's sealed signing keys (oidc.SigningKeys)")),
            entry("oidc_authorizations", new Owner("oidc", "the provider's sealed authorizations"
                    + " (oidc.Authorizations)")),
            entry("oidc_revoked_tokens", new Owner("oidc", "revoked client-credentials tokens, which are not"
                    + " stored otherwise, by jti until they expire (oidc.Authorizations, issue 17)")),
            entry("oidc_consents", new Owner("oidc", "users' consents to third-party clients (oidc.Consents)")),
            entry("oidc_sign_in_requests", new Owner("oidcin", "OpenID Connect sign-ins under way at an external"
                    + " provider: state, sealed nonce and PKCE verifier (oidcin.SignInRequests)")),
            entry("oidc_sign_outs", new Owner("oidcin", "sealed ID tokens for signing out at the external provider"
                    + " (oidcin.ProviderSignOuts)")),
            entry("rate_limit_buckets", new Owner("throttling", "Bucket4j's buckets, shared by every node"
                    + " (throttling.RateLimitBuckets)")),
            entry("api_keys", new Owner("apikeys", "API keys and their hashed secrets (apikeys.KeyStore)")),
            entry("api_key_usage", new Owner("apikeys", "per-key, per-day request counts (apikeys.KeyStore)")),
            entry("saml_sp_keys", new Owner("saml", "the SAML SP's key pair per identity provider, private key"
                    + " sealed (saml.SpKeys)")),
            entry("saml_requests", new Owner("saml", "AuthnRequests sent, answered once (saml.SamlStore)")),
            entry("saml_assertions", new Owner("saml", "assertions accepted, until they expire: replays"
                    + " (saml.SamlStore)")),
            entry("scim_users", new Owner("scim", "what SCIM keeps of a user beyond the account (scim.ScimStore)")),
            entry("scim_groups", new Owner("scim", "SCIM groups (scim.ScimStore)")),
            entry("scim_group_members", new Owner("scim", "SCIM group members (scim.ScimStore)")),
            entry("scim_group_roles", new Owner("scim", "the roles a SCIM group gives (scim.ScimStore)")),
            entry("ldap_entries", new Owner("ldap", "the directory entries an LDAP sync has seen and whose"
                    + " account each is (ldap.SyncedEntries)")),
            entry("ldap_sync_runs", new Owner("ldap", "every LDAP sync and its lease (ldap.SyncRuns)")),
            entry("compliance_reports", new Owner("compliance", "generated compliance reports and their files")),
            entry("compliance_schedules", new Owner("compliance", "monthly compliance report schedules")),
            entry("compliance_report_jobs", new Owner("compliance", "compliance reports generated in the background")),
            entry("access_reviews", new Owner("accessreviews", "access review campaigns (accessreviews.ReviewStore)")),
            entry("access_review_items", new Owner("accessreviews", "the items under review and their decisions"
                    + " (accessreviews.ReviewStore)")),
            entry("delegations", new Owner("temporaryaccess", "roles lent by their holder (temporaryaccess.DelegationStore)")),
            entry("elevation_requests", new Owner("temporaryaccess", "elevations asked for and decided"
                    + " (temporaryaccess.ElevationStore)")),
            entry("relationships", new Owner("relationships", "stored tuples the engine reads for ASSIGNED"
                    + " (relationships.RelationshipStore)")),
            entry("care_teams", new Owner("relationships", "care teams, whose members and patients are"
                    + " relationships (relationships.CareTeamStore)")),
            entry("emergency_access", new Owner("emergencyaccess", "clinical break-glass: each emergency access,"
                    + " its share's id and its review (emergencyaccess.EmergencyAccessStore)")),
            entry("identity_providers", new Owner("identityproviders", "a tenant's OIDC, SAML and LDAP providers, their"
                    + " sealed secrets and state (identityproviders.ProviderStore)")),
            entry("external_identities", new Owner("identityproviders", "which user a provider's subject is"
                    + " (identityproviders.ExternalIdentities)")),
            entry("sso_link_requests", new Owner("identityproviders", "consents to link an existing account, pending"
                    + " (identityproviders.LinkRequests)")),
            entry("platform_overrides", new Owner("overrides", "platform operators' time-boxed elevations in a"
                    + " tenant (overrides.OverrideStore)")),
            entry("user_types", new Owner("usertypes", "a tenant's user types, their base roles and agent features"
                    + " (usertypes.UserTypeStore)")));

    /**
     * Read models an owner publishes (views of the migrations, V148): what other features may read of
     * its tables in their own statements, where a call to the owner would add a round trip on a hot
     * path. PostgreSQL inlines a plain view, so the reader's statement keeps its plan. Any feature may
     * read one ({@code from}, {@code join}); none but the owner may write it, lock through it or
     * reference it, and its definition is the owner's to keep stable.
     */
    private static final Map<String, Owner> PUBLISHED = Map.ofEntries(
            entry("user_states", new Owner("users", "an account's username, status, expiry, required actions and"
                    + " temporary lockout (V158), as the session lookup reads them in its one query"
                    + " (authentication.Sessions) and a profile's load with the user's assignments (access.PolicyLoader)")),
            entry("tenant_states", new Owner("tenancy", "a tenant's slug and status, as the session lookup reads"
                    + " them in its one query (authentication.Sessions)")),
            entry("passkey_holders", new Owner("passkeys", "who holds a passkey, as a proved password step reads"
                    + " it with the user's other factors and devices in one query (authentication.FirstStepFacts)")));

    /**
     * Known exceptions to remove, as {@code "package/File.java table"} → why it is still there. None
     * is left: the session lookup reads the views users and tenancy publish ({@link #PUBLISHED}) and
     * asks access for the roles held ({@code access.HolderConditions}), and the roster's filters and
     * the export's roles column are access's conditions too. Add one only with the reason it cannot go.
     */
    private static final Map<String, String> KNOWN_EXCEPTIONS = Map.of();

    private static final Pattern CREATE = Pattern.compile(
            "\\bcreate\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_VIEW = Pattern.compile(
            "\\bcreate\\s+(?:or\\s+replace\\s+)?view\\s+([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP = Pattern.compile(
            "\\bdrop\\s+table\\s+(?:if\\s+exists\\s+)?([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile(
            "\\balter\\s+table\\s+(?:if\\s+exists\\s+)?([a-z_][a-z0-9_]*)\\s+rename\\s+to\\s+([a-z_][a-z0-9_]*)",
            Pattern.CASE_INSENSITIVE);

    /** A name in a SQL table position; group 1 is the keyword, group 2 the name. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b(from|join|into|update|table|references|truncate)\\s+(?:only\\s+)?([a-z_][a-z0-9_]*)",
            Pattern.CASE_INSENSITIVE);

    /** What a published view may be named after outside its owner: it is read, never written. */
    private static final Set<String> READS = Set.of("from", "join");

    /** A row lock: taken through a published view, it would lock the owner's rows from outside. */
    private static final Pattern LOCK = Pattern.compile(
            "\\bfor\\s+(?:no\\s+key\\s+)?(?:key\\s+)?(?:update|share)\\b", Pattern.CASE_INSENSITIVE);

    /** The further tables of {@code from a x, b y}. */
    private static final Pattern LISTED = Pattern.compile(
            "\\bfrom\\s+[a-z_][a-z0-9_]*(?:\\s+(?:as\\s+)?[a-z_][a-z0-9_]*)?((?:\\s*,\\s*[a-z_][a-z0-9_]*"
                    + "(?:\\s+(?:as\\s+)?[a-z_][a-z0-9_]*)?)+)",
            Pattern.CASE_INSENSITIVE);

    @Test
    void everyTableOfTheMigrationsHasExactlyOneOwningFeature() {
        Set<String> tables = tables();

        assertThat(tables).as("tables the migrations create").isNotEmpty();
        assertThat(OWNERS.keySet()).as("every table has an owner, and every owner a table")
                .containsExactlyInAnyOrderElementsOf(tables);
        OWNERS.values().forEach(owner -> owner.packages().forEach(feature -> assertThat(SOURCES.resolve(feature))
                .as("owner " + feature).isDirectory()));
        assertThat(PUBLISHED.keySet()).as("every view is a read model with its owner, and every one is a view")
                .containsExactlyInAnyOrderElementsOf(views());
        PUBLISHED.values().forEach(owner -> owner.packages().forEach(feature -> assertThat(SOURCES.resolve(feature))
                .as("owner " + feature).isDirectory()));
    }

    @Test
    void onlyTheOwningFeatureWritesSqlAboutItsTable() {
        Map<String, Set<String>> found = references(tables(), views());
        List<String> violations = new ArrayList<>();
        Set<String> excused = new TreeSet<>();
        found.forEach((file, tables) -> {
            String feature = file.contains("/") ? file.substring(0, file.indexOf('/')) : "";
            for (String named : tables) {
                String table = named.endsWith(WRITTEN) ? named.substring(0, named.length() - 1) : named;
                if (PUBLISHED.containsKey(table)) {
                    if (named.endsWith(WRITTEN) && !PUBLISHED.get(table).packages().contains(feature)) {
                        violations.add(file + " " + table + ": a read model of " + PUBLISHED.get(table).packages()
                                + " is only read (from, join) outside its owner, never written or locked");
                    }
                    continue;
                }
                if (OWNERS.get(table).packages().contains(feature)) {
                    continue;
                }
                String key = file + " " + table;
                if (KNOWN_EXCEPTIONS.containsKey(key)) {
                    excused.add(key);
                } else {
                    violations.add(key + ": " + table + " belongs to " + OWNERS.get(table).packages() + " ("
                            + OWNERS.get(table).why() + "); move the SQL into that package's repository and call it");
                }
            }
        });

        assertThat(violations).as("SQL about another feature's table").isEmpty();
        assertThat(excused).as("known exceptions that no longer happen: remove them from the list")
                .containsExactlyInAnyOrderElementsOf(KNOWN_EXCEPTIONS.keySet());
    }

    @Test
    void theScannerSeesSqlInLiteralsAndTextBlocksButNotInCommentsPathsOrPermissionKeys() {
        Set<String> tables = Set.of("users", "tenants", "roles", "assignments", "role_grants");
        String source = """
                // select * from roles   (a comment)
                /* insert into tenants */
                class Example {
                    String sql = \"""
                            select u.id from users u
                            join assignments a on a.user_id = u.id
                            \""";
                    String other = "update role_grants set x = 1";
                    String path = "/api/v1/tenants/{tenant}/roles";
                    String key = "users.read";
                    String message = "the user's roles changed";
                    char quote = '"';
                    String field = "tenants";
                }
                """;

        assertThat(tablesIn(source, tables)).containsExactlyInAnyOrder("users", "assignments", "role_grants");
        assertThat(tablesIn("class A { String s = \"select 1 from users u, roles r\"; }", tables))
                .containsExactlyInAnyOrder("users", "roles");
    }

    @Test
    void aPublishedViewIsSeenAsReadOrAsWritten() {
        Set<String> views = Set.of("user_states");

        assertThat(viewsIn("class A { String s = \"select 1 from sessions s join user_states u on u.id = s.id\"; }",
                views)).containsExactly("user_states");
        assertThat(viewsIn("class A { String s = \"update user_states set status = 'X'\"; }", views))
                .containsExactly("user_states" + WRITTEN);
        assertThat(viewsIn("class A { String s = \"select username from user_states where id = 1 for update\"; }",
                views)).containsExactly("user_states" + WRITTEN);
    }

    /** The tables the migrations leave, in version order. */
    private static Set<String> tables() {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            List<Path> migrations = files.filter(file -> file.getFileName().toString().endsWith(".sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
            for (Path migration : migrations) {
                String sql = withoutSqlComments(Files.readString(migration));
                Matcher create = CREATE.matcher(sql);
                while (create.find()) {
                    tables.add(create.group(1).toLowerCase(Locale.ROOT));
                }
                Matcher rename = RENAME.matcher(sql);
                while (rename.find()) {
                    tables.remove(rename.group(1).toLowerCase(Locale.ROOT));
                    tables.add(rename.group(2).toLowerCase(Locale.ROOT));
                }
                Matcher drop = DROP.matcher(sql);
                while (drop.find()) {
                    tables.remove(drop.group(1).toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tables;
    }

    /** The views the migrations leave: the read models owners publish. */
    private static Set<String> views() {
        Set<String> views = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path migration : files.filter(file -> file.getFileName().toString().endsWith(".sql")).toList()) {
                Matcher create = CREATE_VIEW.matcher(withoutSqlComments(Files.readString(migration)));
                while (create.find()) {
                    views.add(create.group(1).toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return views;
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /**
     * Per main source file (as {@code package/File.java}), the tables its SQL names and the views it
     * reads, each view it writes or locks through marked with {@link #WRITTEN}.
     */
    private static Map<String, Set<String>> references(Set<String> tables, Set<String> views) {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Set<String> named = new TreeSet<>(tablesIn(source, tables));
                named.addAll(viewsIn(source, views));
                if (!named.isEmpty()) {
                    found.put(SOURCES.relativize(file).toString().replace('\\', '/'), named);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** A view named in a writing position, or in a statement that locks rows, is marked with this. */
    private static final String WRITTEN = "!";

    private static Set<String> viewsIn(String javaSource, Set<String> views) {
        Set<String> named = new TreeSet<>();
        for (String literal : literals(javaSource)) {
            boolean locks = LOCK.matcher(literal).find();
            Matcher reference = REFERENCE.matcher(literal);
            while (reference.find()) {
                String view = reference.group(2).toLowerCase(Locale.ROOT);
                if (views.contains(view)) {
                    boolean read = READS.contains(reference.group(1).toLowerCase(Locale.ROOT)) && !locks;
                    named.add(read ? view : view + WRITTEN);
                }
            }
        }
        return named;
    }

    private static Set<String> tablesIn(String javaSource, Set<String> tables) {
        Set<String> named = new TreeSet<>();
        for (String literal : literals(javaSource)) {
            Matcher reference = REFERENCE.matcher(literal);
            while (reference.find()) {
                String table = reference.group(2).toLowerCase(Locale.ROOT);
                if (tables.contains(table)) {
                    named.add(table);
                }
            }
            Matcher listed = LISTED.matcher(literal);
            while (listed.find()) {
                for (String item : listed.group(1).split(",")) {
                    String table = item.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
                    if (tables.contains(table)) {
                        named.add(table);
                    }
                }
            }
        }
        return named;
    }

    /** The contents of the string literals and text blocks of a Java source, comments skipped. */
    static List<String> literals(String source) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end;
                literals.add(source.substring(i + 3, end));
                i = end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < n && source.charAt(j) != quote && source.charAt(j) != '\n') {
                    if (source.charAt(j) == '\\' && j + 1 < n) {
                        text.append(source.charAt(j + 1));
                        j += 2;
                    } else {
                        text.append(source.charAt(j));
                        j++;
                    }
                }
                if (quote == '"') {
                    literals.add(text.toString());
                }
                i = j + 1;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                i++;
            }
        }
        return literals;
    }

    private static String withoutSqlComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }
}
