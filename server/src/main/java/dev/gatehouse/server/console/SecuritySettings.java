package dev.gatehouse.server.console;

import dev.gatehouse.engine.Role;
import dev.gatehouse.server.shared.FieldError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Security screen's settings: where each lives in the settings document (the API's field
 * path, so the service's field errors land next to it), how it is edited, and what it means for a
 * clinic manager. The form's field names are those paths; {@link #patch} turns a submitted form
 * into the JSON patch the API would take, and {@link #rows} the document into what the page shows.
 * A new setting is one more {@link Setting} in {@link #GROUPS}.
 */
final class SecuritySettings {

    /** How a setting is edited: the form control, and how its text becomes JSON. */
    enum Kind {
        NUMBER, OPTIONAL_NUMBER, SWITCH, CHOICE, CHOICES, LIST, ROLE, ROLES, ROLE_NUMBERS, ROLE_LISTS, TEXT
    }

    /** One setting: {@code path} in the settings document, {@code nullMeans} the words for an empty value. */
    record Setting(String path, String label, Kind kind, String explanation, List<String> choices, String nullMeans) {

        static Setting of(String path, String label, Kind kind, String explanation) {
            return new Setting(path, label, kind, explanation, List.of(), "none");
        }

        Setting choices(String... values) {
            return new Setting(path, label, kind, explanation, List.of(values), nullMeans);
        }

        Setting emptyMeans(String words) {
            return new Setting(path, label, kind, explanation, choices, words);
        }

        public String id() {
            return path.replace('.', '-');
        }

        public String kindName() {
            return kind.name();
        }
    }

    record Group(String title, List<Setting> settings) {}

    /** A role's own value of a by-role setting; {@code name} is the form field. */
    record RoleValue(String key, String label, String name, String id, String text) {}

    /** A setting as the page shows it: its current (or just submitted) value and its default. */
    record Row(Setting setting, String text, boolean on, List<String> selected, List<RoleValue> byRole,
            String defaultText) {}

    static final List<Group> GROUPS = List.of(
            new Group("Passwords", List.of(
                    Setting.of("passwordPolicy.minLength", "Minimum password length", Kind.NUMBER,
                            "Length is what makes a password hard to guess, so 15 is the default: NIST SP 800-63B"
                                    + " (rev. 4) asks 15 for a password used without a second factor, and prefers length"
                                    + " to character rules. 15 characters allows an easy-to-remember phrase. If a rule you"
                                    + " follow asks for 12 with upper, lower, digit and symbol, set 12 and switch those"
                                    + " on below. Whatever the length, passwords that are easy to guess (repeated words,"
                                    + " keyboard runs, sequences, dates, names) are refused."),
                    Setting.of("passwordPolicy.requireUpper", "Require an upper-case letter", Kind.SWITCH,
                            "Off by default: composition rules push people to 'Password1!' patterns and notes on"
                                    + " the screen without making passwords harder to guess (NIST SP 800-63B)."),
                    Setting.of("passwordPolicy.requireLower", "Require a lower-case letter", Kind.SWITCH,
                            "Off by default, for the same reason: length protects better than character rules."),
                    Setting.of("passwordPolicy.requireDigit", "Require a digit", Kind.SWITCH,
                            "Off by default; turn on only if a rule you must follow demands it."),
                    Setting.of("passwordPolicy.requireSymbol", "Require a symbol", Kind.SWITCH,
                            "Off by default; turn on only if a rule you must follow demands it."),
                    Setting.of("passwordPolicy.blockCommon", "Refuse common and leaked passwords", Kind.SWITCH,
                            "Refuses the passwords attackers try first: well-known, very common or already leaked."),
                    Setting.of("passwordPolicy.historyCount", "Previous passwords that may not be reused",
                            Kind.NUMBER, "0 means no check. Mostly useful when passwords expire."),
                    Setting.of("passwordPolicy.maxAgeDays", "Password expires after (days)", Kind.OPTIONAL_NUMBER,
                            "Empty means never: forced regular changes lead to weaker passwords, so NIST advises"
                                    + " a change only after a suspected leak.").emptyMeans("never"))),
            new Group("Lockout", List.of(
                    Setting.of("lockoutPolicy.maxFailures", "Wrong passwords before the account locks", Kind.NUMBER,
                            "Stops someone from guessing a password by trying again and again."),
                    Setting.of("lockoutPolicy.lockMinutes", "Lock lasts (minutes)", Kind.NUMBER,
                            "How long a locked account waits before it may try again; an admin can unlock sooner."))),
            new Group("Sessions", List.of(
                    Setting.of("sessionPolicy.idleMinutes", "Sign out after inactivity (minutes)", Kind.NUMBER,
                            "A screen left open on a shared front-desk computer does not stay signed in."),
                    Setting.of("sessionPolicy.idleMinutesByRole", "Shorter inactivity timeout per role",
                            Kind.ROLE_NUMBERS, "For roles at shared desks; empty means the timeout above."),
                    Setting.of("sessionPolicy.maxHours", "Longest session (hours)", Kind.NUMBER,
                            "Even an active session ends after this; one sign-in covers about a working day."),
                    Setting.of("sessionPolicy.maxConcurrent", "Sessions per person at once", Kind.OPTIONAL_NUMBER,
                            "How many devices one person may be signed in on at the same time. Empty means no limit.")
                            .emptyMeans("no limit"),
                    Setting.of("sessionPolicy.onLimit", "When a sign-in exceeds that", Kind.CHOICE,
                            "End the person's oldest session, or refuse the new sign-in.")
                            .choices("END_OLDEST", "REFUSE"),
                    Setting.of("sessionPolicy.reauthMinutes", "Ask for the password again after (minutes)",
                            Kind.NUMBER, "Sensitive actions, such as removing a second factor, ask for the password"
                                    + " unless it was entered this recently."))),
            new Group("Devices and networks", List.of(
                    Setting.of("sessionPolicy.newDeviceSecondFactor", "Ask for the second factor on a new device",
                            Kind.SWITCH, "A sign-in from a device or network this person has not used asks for"
                                    + " their second factor (an app code, or an e-mailed code where allowed), even when"
                                    + " it would not otherwise. People without any second factor are only told by"
                                    + " e-mail, as everyone is."),
                    Setting.of("sessionPolicy.knownNetworkDays", "A network counts as new after (days unused)",
                            Kind.NUMBER, "A sign-in from a network (the same /24 or /48 of addresses) not used for"
                                    + " this long is treated like one from a new network."),
                    Setting.of("sessionPolicy.bindToDevice", "Bind sessions to their device", Kind.SWITCH,
                            "A session only works on the browser or app it was opened on: a stolen session"
                                    + " cookie or token used elsewhere ends the session. Apps must send their device"
                                    + " id (X-Gatehouse-Device) with every request."))),
            new Group("Second factor", List.of(
                    Setting.of("mfaPolicy.required", "Who must use a second factor", Kind.CHOICE,
                            "A code from a phone app on top of the password stops most account takeovers: nobody"
                                    + " (OFF), whoever wants (OPTIONAL), everyone (ALL) or the roles below (ROLES)."
                                    + " Service accounts never sign in with a password, so this never applies to them.")
                            .choices("OFF", "OPTIONAL", "ALL", "ROLES"),
                    Setting.of("mfaPolicy.methods", "Accepted second factors", Kind.CHOICES,
                            "An authenticator app (TOTP), a code by e-mail, one-time recovery codes, or a passkey.")
                            .choices("TOTP", "EMAIL_CODE", "RECOVERY_CODE", "PASSKEY"),
                    Setting.of("mfaPolicy.phishingResistant", "Only passkeys count", Kind.SWITCH,
                            "Codes can be phished; a passkey cannot. When on, whoever must use a second factor"
                                    + " must register a passkey, and codes no longer complete a sign-in."),
                    Setting.of("mfaPolicy.passwordless", "Sign in with a passkey alone", Kind.SWITCH,
                            "When on, the sign-in page offers \"Sign in with a passkey\": a passkey that checks"
                                    + " the person (fingerprint, face or PIN) replaces password and second factor."),
                    Setting.of("mfaPolicy.roles", "Roles that must use a second factor", Kind.ROLES,
                            "Only when the answer above is ROLES."))),
            new Group("Networks", List.of(
                    Setting.of("ipAllowlist", "Allowed networks", Kind.LIST,
                            "One address or range per line (203.0.113.0/24). When set, sign-in and every request"
                                    + " work only from there; include your own. Empty means from anywhere."),
                    Setting.of("ipAllowlistByRole", "Allowed networks per role", Kind.ROLE_LISTS,
                            "Ranges separated by commas, e.g. the front desk only from the clinic's network."))),
            new Group("Registration", List.of(
                    Setting.of("registration.open", "Anyone may register", Kind.SWITCH,
                            "When on, anyone may create their own account here from the sign-up page, whatever"
                                    + " their e-mail address (limited by the self-registration rate limits below)."),
                    Setting.of("registration.defaultRole", "Role a new registrant gets", Kind.ROLE,
                            "What a person who registered themselves may do at first; blank gives the role this"
                                    + " kind of organisation starts everyone with.").emptyMeans("the pack's default role"),
                    Setting.of("registration.approval", "An administrator approves each registration", Kind.SWITCH,
                            "When on, registrants cannot sign in until someone who may approve registrations"
                                    + " accepts them under Registrations; they are told by e-mail either way."),
                    Setting.of("registration.requestableRoles", "Roles members may ask for", Kind.ROLES,
                            "A signed-in member may ask for these; an administrator approves or rejects each"
                                    + " request under Registrations."),
                    Setting.of("emailDomains", "Allowed e-mail domains", Kind.LIST,
                            "One per line (clinic.example). People with such an address may register themselves"
                                    + " even when registration is not open to anyone; empty means nobody by domain."))),
            new Group("Accounts and links", List.of(
                    Setting.of("invitationHours", "Invitation link works for (hours)", Kind.NUMBER,
                            "Gives a new colleague time to accept; an unused link then stops working."),
                    Setting.of("resetLinkMinutes", "Password-reset link works for (minutes)", Kind.NUMBER,
                            "Short, because whoever holds the link can set the password."),
                    Setting.of("singleRolePerUser", "One role per person", Kind.SWITCH,
                            "When on, a person may hold only one role at a time."))),
            new Group("Rate limits", throttling(
                    "signIn", "Failed sign-ins",
                    "The lockout stops guessing after a few wrong passwords; this bounds what attempts on a locked"
                            + " account cost, and no person reaches it. Successful sign-ins do not count.",
                    "Slows password spraying over many accounts from many addresses, far above a clinic's ordinary"
                            + " typos. Successful sign-ins do not count.",
                    "secondFactor", "Wrong second-factor codes and e-mailed codes",
                    "Two or three mistyped codes and a resend are normal; ten are not.",
                    "Across the whole organisation, far above ordinary use.",
                    "forgotPassword", "Forgot-password requests",
                    "Every request counts, found or not, since each may send a mail; at most one link a minute is"
                            + " sent anyway.",
                    "Every request counts; far above a clinic's morning.",
                    "registration", "Self-registrations",
                    "Per e-mail address: each request may create an account and send an invitation.",
                    "For your e-mail domains together: a new clinic's staff registering on their first morning.",
                    "tokenRedemption", "Invitation and reset link attempts",
                    "A person retrying refused passwords on their link.",
                    "Across the whole organisation, far above ordinary use.")),
            new Group("Accounts", List.of(
                    Setting.of("inactivityDisableDays", "Disable accounts unused for (days)", Kind.OPTIONAL_NUMBER,
                            "A person who has not signed in for this many days is disabled overnight and the"
                                    + " administrators are told by mail; service accounts and the last administrator"
                                    + " never are. Blank or 0 turns it off.").emptyMeans("never"))),
            new Group("API keys", List.of(
                    Setting.of("apiKeyPolicy.maxDays", "Longest life of an API key (days)", Kind.NUMBER,
                            "A key that never expires is a leaked key that works forever: every key comes up for"
                                    + " renewal within this, whatever expiry its maker asks for. A year by default."),
                    Setting.of("apiKeyPolicy.defaultDays", "Life of a key made without an expiry (days)",
                            Kind.NUMBER, "90 by default, the rotation period most policies name for machine"
                                    + " credentials; never longer than the longest life above."),
                    Setting.of("apiKeyPolicy.rateLimit.requests", "Requests a key may make", Kind.NUMBER,
                            "When its maker names no limit of its own. Far above an application asking a check"
                                    + " per page its users open, far below what a leaked key would be flooded with."),
                    Setting.of("apiKeyPolicy.rateLimit.perSeconds", "Requests a key may make: in (seconds)",
                            Kind.NUMBER, "The window of the limit above; it refills smoothly."))),
            new Group("Emergency access", List.of(
                    Setting.of("breakGlass.enabled", "Clinicians may open emergency access", Kind.SWITCH,
                            "Break-glass: a clinician who holds break_glass.open (providers) may open one patient's"
                                    + " record they are not assigned to, giving a reason. Admins are alerted at once"
                                    + " and a reviewer marks each access justified or not."),
                    Setting.of("breakGlass.minutes", "Emergency access lasts (minutes)", Kind.NUMBER,
                            "Long enough for one episode of care, short enough to end within the shift; 5 to 720."))),
            new Group("Activity log", List.of(
                    Setting.of("auditRetention", "Keep activity for", Kind.TEXT,
                            "Years and months as P6Y or P1Y6M. HIPAA asks for six years; older events are archived"
                                    + " to a file and then removed, nightly."))),
            new Group("Conditions", List.of(
                    Setting.of("timeZone", "Time zone", Kind.TEXT,
                            "Where the clinic's clock is, as Europe/Berlin or America/New_York: a role granted only"
                                    + " in business hours reads the hour here, daylight saving included."))));

    /**
     * The rows of {@code throttling}: per door, the per-account and per-tenant limit, each its number
     * of requests and its window (docs/security.md, "Throttling"; the per-address limit is the
     * operator's). Arguments come in fours: settings name, what is counted, why per account, why per tenant.
     */
    private static List<Setting> throttling(String... doors) {
        List<Setting> rows = new ArrayList<>();
        for (int i = 0; i < doors.length; i += 4) {
            String door = "throttling." + doors[i];
            String what = doors[i + 1];
            rows.add(Setting.of(door + ".perAccount.requests", what + " per account", Kind.NUMBER, doors[i + 2]
                    + " Counted whether or not the account exists, so a refusal tells nothing about it."));
            rows.add(Setting.of(door + ".perAccount.perMinutes", what + " per account: in (minutes)", Kind.NUMBER,
                    "The window of the limit above; it refills smoothly."));
            rows.add(Setting.of(door + ".perTenant.requests", what + " for the organisation", Kind.NUMBER,
                    doors[i + 3]));
            rows.add(Setting.of(door + ".perTenant.perMinutes", what + " for the organisation: in (minutes)",
                    Kind.NUMBER, "The window of the limit above; it refills smoothly."));
        }
        return List.copyOf(rows);
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,30}");
    private static final Pattern LIST_SEPARATORS = Pattern.compile("[\\s,]+");
    private static final Pattern INDEX = Pattern.compile("\\[\\d+]$");

    private SecuritySettings() {}

    /** Every setting's value from the submitted form, as the API's PATCH body. */
    static ObjectNode patch(MultiValueMap<String, String> form, List<Role> roles) {
        ObjectNode patch = NODES.objectNode();
        for (Group group : GROUPS) {
            for (Setting setting : group.settings()) {
                put(patch, setting.path(), value(setting, form, roles));
            }
        }
        return patch;
    }

    /** The page's rows for {@code settings} (the stored document, or the rejected form over it). */
    static List<Row> rows(Group group, JsonNode settings, JsonNode defaults, List<Role> roles) {
        return group.settings().stream().map(setting -> row(setting, at(settings, setting.path()),
                at(defaults, setting.path()), roles)).toList();
    }

    /**
     * The service's field errors on the form's fields: an element's error ({@code emailDomains[2]})
     * belongs to its list; one on no field of the form goes to the summary.
     */
    static FormErrors errors(List<FieldError> errors, List<Role> roles) {
        Set<String> fields = fieldNames(roles);
        Map<String, String> byField = new LinkedHashMap<>();
        List<String> elsewhere = new ArrayList<>();
        for (FieldError error : errors) {
            String field = INDEX.matcher(error.field()).replaceFirst("");
            if (fields.contains(field)) {
                byField.merge(field, error.message(), (a, b) -> a + "; " + b);
            } else {
                elsewhere.add(error.field() + ": " + error.message());
            }
        }
        return new FormErrors(byField, elsewhere.isEmpty() ? null : String.join("; ", elsewhere));
    }

    static JsonNode at(JsonNode document, String path) {
        JsonNode node = document;
        for (String name : path.split("\\.")) {
            node = node.path(name);
        }
        return node;
    }

    /** Sets {@code value} at a dotted path, creating the objects on the way (also used to overlay a rejected form). */
    static void put(ObjectNode document, String path, JsonNode value) {
        String[] names = path.split("\\.");
        ObjectNode node = document;
        for (int i = 0; i < names.length - 1; i++) {
            node = node.get(names[i]) instanceof ObjectNode inner ? inner : node.putObject(names[i]);
        }
        node.set(names[names.length - 1], value);
    }

    private static Set<String> fieldNames(List<Role> roles) {
        Set<String> names = new java.util.HashSet<>();
        for (Group group : GROUPS) {
            for (Setting setting : group.settings()) {
                names.add(setting.path());
                if (setting.kind() == Kind.ROLE_NUMBERS || setting.kind() == Kind.ROLE_LISTS) {
                    roles.forEach(role -> names.add(setting.path() + "." + role.key()));
                }
            }
        }
        return names;
    }

    private static JsonNode value(Setting setting, MultiValueMap<String, String> form, List<Role> roles) {
        String text = text(form.getFirst(setting.path()));
        return switch (setting.kind()) {
            case NUMBER -> number(text);
            case OPTIONAL_NUMBER -> text.isEmpty() ? NODES.nullNode() : number(text);
            case SWITCH -> NODES.booleanNode("true".equals(text));
            case CHOICE, TEXT -> NODES.stringNode(text);
            case ROLE -> text.isEmpty() ? NODES.nullNode() : NODES.stringNode(text);
            case CHOICES, ROLES -> array(form.getOrDefault(setting.path(), List.of()));
            case LIST -> array(Arrays.asList(LIST_SEPARATORS.split(text)));
            case ROLE_NUMBERS, ROLE_LISTS -> {
                ObjectNode byRole = NODES.objectNode();
                for (Role role : roles) {
                    String given = text(form.getFirst(setting.path() + "." + role.key()));
                    if (!given.isEmpty()) {
                        byRole.set(role.key(), setting.kind() == Kind.ROLE_NUMBERS ? number(given)
                                : array(Arrays.asList(LIST_SEPARATORS.split(given))));
                    }
                }
                yield byRole;
            }
        };
    }

    /** A whole number as a number; anything else as typed, for the service to refuse with its range. */
    private static JsonNode number(String text) {
        if (text.isEmpty()) {
            return NODES.nullNode();
        }
        return WHOLE.matcher(text).matches() ? NODES.numberNode(new BigInteger(text)) : NODES.stringNode(text);
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.stream().map(String::strip).filter(value -> !value.isEmpty()).forEach(array::add);
        return array;
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value.strip();
    }

    private static Row row(Setting setting, JsonNode value, JsonNode defaultValue, List<Role> roles) {
        List<RoleValue> byRole = List.of();
        if (setting.kind() == Kind.ROLE_NUMBERS || setting.kind() == Kind.ROLE_LISTS) {
            byRole = roles.stream().map(role -> new RoleValue(role.key(), role.name(), setting.path() + "." + role.key(),
                    setting.id() + "-" + role.key(), display(value.path(role.key()), ", "))).toList();
        }
        List<String> selected = new ArrayList<>();
        value.forEach(element -> {
            if (value.isArray()) {
                selected.add(element.asString(""));
            }
        });
        return new Row(setting, display(value, "\n"), value.asBoolean(false), selected, byRole,
                defaultText(setting, defaultValue));
    }

    private static String display(JsonNode value, String separator) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString("")));
            return String.join(separator, items);
        }
        return value.isMissingNode() || value.isNull() ? "" : value.asString("");
    }

    private static String defaultText(Setting setting, JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "on" : "off";
        }
        if (value.isMissingNode() || value.isNull() || value.isEmpty() && (value.isArray() || value.isObject())) {
            return setting.nullMeans();
        }
        if (value.isArray()) {
            return display(value, ", ");
        }
        return value.isObject() ? value.properties().stream().map(Map.Entry::getKey).collect(Collectors.joining(", "))
                : value.asString("");
    }

    /**
     * Where each row's value comes from, for a child tenant's page: {@code own}, or the slug of the
     * ancestor it is inherited from (or {@code default}); a by-role row or a section is its own when
     * any value under it is.
     */
    record Origins(Map<String, String> byPath) {

        public String of(String path) {
            String exact = byPath.get(path);
            if (exact != null) {
                return exact;
            }
            List<String> under = byPath.entrySet().stream().filter(e -> e.getKey().startsWith(path + "."))
                    .map(Map.Entry::getValue).toList();
            return under.contains("own") || under.isEmpty() ? "own" : under.getFirst();
        }

        public boolean inherited(String path) {
            return !of(path).equals("own");
        }

        /** What the page says beside the row. */
        public String label(String path) {
            String origin = of(path);
            return switch (origin) {
                case "own" -> "Set here for this tenant.";
                case "default" -> "Inherited: the default, no tenant above sets it.";
                default -> "Inherited from " + origin + ".";
            };
        }
    }

    /** Removes from a whole-form patch every field whose value is the one in force already. */
    static void dropUnchanged(ObjectNode patch, JsonNode current) {
        List<String> names = new ArrayList<>();
        patch.propertyNames().forEach(names::add);
        for (String name : names) {
            JsonNode given = patch.get(name);
            JsonNode now = current.path(name);
            if (given instanceof ObjectNode section && now.isObject() && !name.endsWith("ByRole")) {
                dropUnchanged(section, now);
                if (section.isEmpty()) {
                    patch.remove(name);
                }
            } else if (same(given, now) || given.isNull() && now.isMissingNode()) {
                patch.remove(name);
            }
        }
    }

    /** Equal as values: the form's numbers are big integers, the stored ones ints. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray() || a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            if (a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    if (!same(a.get(i), b.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            return a.properties().stream().allMatch(e -> b.has(e.getKey()) && same(e.getValue(), b.get(e.getKey())));
        }
        return a.equals(b);
    }
}
