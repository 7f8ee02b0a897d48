package dev.gatehouse.server.users;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A partial update of an account (PATCH): a field that is absent stays, a field that is null is
 * cleared (where it may be), anything else is checked by the same rules as at creation. State,
 * password and roles have endpoints of their own and are refused here by name.
 */
final class UserPatch {

    private static final Set<String> FIELDS = Set.of("username", "firstName", "lastName", "email", "phone", "hidden",
            "profile", "expiresAt", "managerId");
    private static final Map<String, String> ELSEWHERE = Map.of(
            "status", "is changed through lock, unlock, disable and enable",
            "password", "is changed by its owner, or through password-reset",
            "roles", "are changed through …/users/{id}/roles",
            // Issue 12: a service account never becomes a person who could sign in, nor the other way round.
            "kind", "is set at creation and cannot be changed",
            "id", "cannot be changed",
            "requiredActions", "cannot be changed",
            "lockedUntil", "is cleared through unlock",
            "lastSignInAt", "is recorded at each sign-in",
            "createdAt", "cannot be changed",
            "updatedAt", "cannot be changed");
    private static final Set<String> PROFILE_FIELDS = Set.of("npi", "dea", "stateLicense", "primaryLicense",
            "secondaryLicense", "nadean", "credentials", "specialties", "bio");

    private UserPatch() {}

    /** @throws dev.gatehouse.server.shared.ApiException 400 naming every field at fault */
    static UserAccount.Editable apply(UserAccount.Editable current, JsonNode body) {
        AccountFields fields = new AccountFields();
        if (!body.isObject()) {
            fields.reject("body", "must be a JSON object");
            fields.throwIfAny();
        }
        for (String name : body.propertyNames()) {
            if (ELSEWHERE.containsKey(name)) {
                fields.reject(name, ELSEWHERE.get(name));
            } else if (!FIELDS.contains(name)) {
                fields.reject(name, "is not a field of a user");
            }
        }
        String username = body.has("username")
                ? fields.username("username", string(fields, body, "username")) : current.username();
        String firstName = body.has("firstName")
                ? fields.name("firstName", string(fields, body, "firstName")) : current.firstName();
        String lastName = body.has("lastName")
                ? fields.name("lastName", string(fields, body, "lastName")) : current.lastName();
        String email = body.has("email") ? fields.email("email", string(fields, body, "email")) : current.email();
        String phone = body.has("phone") ? fields.phone("phone", string(fields, body, "phone")) : current.phone();
        boolean hidden = current.hidden();
        if (body.has("hidden")) {
            JsonNode node = body.get("hidden");
            if (node.isBoolean()) {
                hidden = node.booleanValue();
            } else {
                fields.reject("hidden", "must be true or false");
            }
        }
        ClinicalProfile profile = current.profile();
        if (body.has("profile")) {
            profile = profile(fields, body.get("profile"), profile);
        }
        Instant expiresAt = body.has("expiresAt")
                ? AccountTerms.instant(fields, "expiresAt", string(fields, body, "expiresAt")) : current.expiresAt();
        UUID managerId = body.has("managerId")
                ? AccountTerms.id(fields, "managerId", string(fields, body, "managerId")) : current.managerId();
        fields.throwIfAny();
        return new UserAccount.Editable(username, firstName, lastName, email, phone, hidden, profile, expiresAt,
                managerId);
    }

    private static ClinicalProfile profile(AccountFields fields, JsonNode node, ClinicalProfile current) {
        if (!node.isObject()) {
            fields.reject("profile", "must be an object");
            return current;
        }
        for (String name : node.propertyNames()) {
            if (!PROFILE_FIELDS.contains(name)) {
                fields.reject("profile." + name, "is not a field of a profile");
            }
        }
        return new ClinicalProfile(
                node.has("npi") ? fields.npi("profile.npi", string(fields, node, "npi", "profile.npi")) : current.npi(),
                node.has("dea") ? fields.dea("profile.dea", string(fields, node, "dea", "profile.dea")) : current.dea(),
                license(fields, node, "stateLicense", current.stateLicense()),
                license(fields, node, "primaryLicense", current.primaryLicense()),
                license(fields, node, "secondaryLicense", current.secondaryLicense()),
                license(fields, node, "nadean", current.nadean()),
                node.has("credentials") ? fields.list("profile.credentials", strings(fields, node, "credentials"),
                        AccountFields.MAX_CREDENTIAL) : current.credentials(),
                node.has("specialties") ? fields.list("profile.specialties", strings(fields, node, "specialties"),
                        AccountFields.MAX_SPECIALTY) : current.specialties(),
                node.has("bio") ? fields.bio("profile.bio", string(fields, node, "bio", "profile.bio")) : current.bio());
    }

    private static @Nullable String license(AccountFields fields, JsonNode node, String name,
            @Nullable String current) {
        String path = "profile." + name;
        return node.has(name) ? fields.license(path, string(fields, node, name, path)) : current;
    }

    private static @Nullable String string(AccountFields fields, JsonNode node, String name) {
        return string(fields, node, name, name);
    }

    private static @Nullable String string(AccountFields fields, JsonNode node, String name, String path) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            fields.reject(path, "must be a string");
            return null;
        }
        return value.stringValue();
    }

    private static @Nullable List<String> strings(AccountFields fields, JsonNode node, String name) {
        JsonNode value = node.get(name);
        String path = "profile." + name;
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            fields.reject(path, "must be a list of strings");
            return null;
        }
        List<String> result = new ArrayList<>();
        int i = 0;
        for (JsonNode item : value.values()) {
            if (!item.isString()) {
                fields.reject(path + "[" + i + "]", "must be a string");
            } else {
                result.add(item.stringValue());
            }
            i++;
        }
        return result;
    }

    /** The changed fields, each as {@code {before, after}}, for the USER_UPDATED event. */
    static Map<String, Object> diff(UserAccount.Editable before, UserAccount.Editable after) {
        Map<String, Object> changes = new LinkedHashMap<>();
        change(changes, "username", before.username(), after.username());
        change(changes, "firstName", before.firstName(), after.firstName());
        change(changes, "lastName", before.lastName(), after.lastName());
        change(changes, "email", before.email(), after.email());
        change(changes, "phone", before.phone(), after.phone());
        change(changes, "hidden", before.hidden(), after.hidden());
        ClinicalProfile was = before.profile();
        ClinicalProfile is = after.profile();
        change(changes, "profile.npi", was.npi(), is.npi());
        change(changes, "profile.dea", was.dea(), is.dea());
        change(changes, "profile.stateLicense", was.stateLicense(), is.stateLicense());
        change(changes, "profile.primaryLicense", was.primaryLicense(), is.primaryLicense());
        change(changes, "profile.secondaryLicense", was.secondaryLicense(), is.secondaryLicense());
        change(changes, "profile.nadean", was.nadean(), is.nadean());
        change(changes, "profile.credentials", was.credentials(), is.credentials());
        change(changes, "profile.specialties", was.specialties(), is.specialties());
        change(changes, "profile.bio", was.bio(), is.bio());
        change(changes, "expiresAt", before.expiresAt() == null ? null : before.expiresAt().toString(),
                after.expiresAt() == null ? null : after.expiresAt().toString());
        change(changes, "managerId", before.managerId() == null ? null : before.managerId().toString(),
                after.managerId() == null ? null : after.managerId().toString());
        return changes;
    }

    private static void change(Map<String, Object> changes, String field, @Nullable Object before,
            @Nullable Object after) {
        if (!Objects.equals(before, after)) {
            Map<String, @Nullable Object> pair = new LinkedHashMap<>();
            pair.put("before", before);
            pair.put("after", after);
            changes.put(field, pair);
        }
    }
}
