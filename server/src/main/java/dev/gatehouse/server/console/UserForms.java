package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.users.ClinicalProfile;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.UserAccount;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the users screens post, as the browser sends it (every value a string), and its translation
 * into the users service's requests. The field names are the service's (profile.npi,
 * roles[0].expiresAt), so its field errors land next to the right inputs. Only the browser's
 * formats are read here (dates, comma-separated lists); every rule stays in the service.
 */
final class UserForms {

    private UserForms() {}

    /** The clinical profile (seed 004); credentials and specialties as comma-separated text. */
    record ProfileForm(@Nullable String npi, @Nullable String dea, @Nullable String stateLicense,
            @Nullable String primaryLicense, @Nullable String secondaryLicense, @Nullable String nadean,
            @Nullable String credentials, @Nullable String specialties, @Nullable String bio) {

        static final ProfileForm EMPTY = new ProfileForm(null, null, null, null, null, null, null, null, null);

        static ProfileForm of(ClinicalProfile profile) {
            return new ProfileForm(profile.npi(), profile.dea(), profile.stateLicense(), profile.primaryLicense(),
                    profile.secondaryLicense(), profile.nadean(), String.join(", ", profile.credentials()),
                    String.join(", ", profile.specialties()), profile.bio());
        }

        Roster.ProfileRequest request() {
            return new Roster.ProfileRequest(blankToNull(npi), blankToNull(dea), blankToNull(stateLicense),
                    blankToNull(primaryLicense), blankToNull(secondaryLicense), blankToNull(nadean), list(credentials),
                    list(specialties), blankToNull(bio));
        }
    }

    /** A role at a location (empty: tenant-wide) between two dates (UTC days, both optional). */
    record RoleForm(@Nullable String role, @Nullable String location, @Nullable String startsAt,
            @Nullable String expiresAt) {

        static final RoleForm EMPTY = new RoleForm(null, null, null, null);

        boolean blank() {
            return blankToNull(role) == null && blankToNull(location) == null && blankToNull(startsAt) == null
                    && blankToNull(expiresAt) == null;
        }

        Roster.RoleRequest request(String prefix, List<FieldError> errors) {
            return new Roster.RoleRequest(blankToNull(role), blankToNull(location),
                    day(prefix + "startsAt", startsAt, errors), day(prefix + "expiresAt", expiresAt, errors));
        }
    }

    /**
     * The add-user form: details, clinical profile, the first roles, and how the user gets a password;
     * seed 003's user type and initial status ({@code inactive}: "true" creates the account disabled).
     */
    record NewUserForm(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email, @Nullable String phone, @Nullable String kind, @Nullable String passwordChoice,
            @Nullable String password, @Nullable String hidden, @Nullable ProfileForm profile,
            @Nullable List<RoleForm> roles, @Nullable String userType, @Nullable String inactive) {

        static final int ROLE_ROWS = 3;
        static final String INVITE = "invite";
        static final String GENERATE = "generate";
        static final String SERVICE = "SERVICE";

        NewUserForm {
            profile = profile == null ? ProfileForm.EMPTY : profile;
            // Filled rows first: the service numbers roles[i] by position in what it receives.
            List<RoleForm> rows = new ArrayList<>(roles == null ? List.of() : roles.stream()
                    .filter(row -> row != null && !row.blank()).toList());
            while (rows.size() < ROLE_ROWS) {
                rows.add(RoleForm.EMPTY);
            }
            roles = List.copyOf(rows);
        }

        /** An empty form for a person, or for a service account when {@code service}. */
        static NewUserForm empty(boolean service) {
            return new NewUserForm(null, null, null, null, null, service ? SERVICE : "HUMAN", service ? null : INVITE,
                    null, null, null, null, null, null);
        }

        /** Issue 12: a service account, which gets no password, invitation or e-mail address. */
        public boolean service() {
            return SERVICE.equals(kind);
        }

        public boolean invites() {
            return !service() && !"password".equals(passwordChoice) && !generates();
        }

        /** "Auto-generate" (seed 000): the console makes the password and shows it once. */
        public boolean generates() {
            return !service() && GENERATE.equals(passwordChoice);
        }

        public boolean setsPassword() {
            return "password".equals(passwordChoice);
        }

        /** @throws ApiException 400 naming a date the browser sent in a shape no date input makes */
        Roster.CreateRequest request() {
            return request(password);
        }

        /** The request with {@code chosen} as the admin-set password (typed or generated). */
        Roster.CreateRequest request(@Nullable String chosen) {
            List<FieldError> errors = new ArrayList<>();
            List<Roster.RoleRequest> requested = new ArrayList<>();
            for (int i = 0; i < roles.size() && !roles.get(i).blank(); i++) {
                requested.add(roles.get(i).request("roles[" + i + "].", errors));
            }
            if (!errors.isEmpty()) {
                throw ApiException.badRequest(errors);
            }
            // A service account's form offers no password, invitation or clinical profile, and sends none
            // whatever is posted.
            String password = service() || invites() ? null : nonNull(chosen);
            boolean disabled = "true".equals(inactive);
            return new Roster.CreateRequest(blankToNull(username), blankToNull(firstName), blankToNull(lastName),
                    blankToNull(email), blankToNull(phone), blankToNull(kind), password,
                    service() || disabled ? null : invites(), "true".equals(hidden), requested,
                    service() ? null : profile.request(), null, null, blankToNull(userType), null, disabled ? false : null);
        }
    }

    /** The user page's details form: the editable fields of a user (PATCH), profile included. */
    record DetailsForm(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email, @Nullable String phone, @Nullable String hidden, @Nullable ProfileForm profile,
            @Nullable String userType) {

        DetailsForm {
            profile = profile == null ? ProfileForm.EMPTY : profile;
        }

        static DetailsForm of(UserAccount user) {
            return new DetailsForm(user.username(), user.firstName(), user.lastName(), user.email(), user.phone(),
                    Boolean.toString(user.hidden()), ProfileForm.of(user.profile()), user.userType());
        }

        /** Every field, as PATCH takes them: an empty optional field clears it. */
        ObjectNode patch() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("username", nonNull(username));
            body.put("firstName", nonNull(firstName));
            body.put("lastName", nonNull(lastName));
            body.put("email", blankToNull(email));
            body.put("phone", blankToNull(phone));
            body.put("hidden", "true".equals(hidden));
            body.put("userType", blankToNull(userType));
            Roster.ProfileRequest request = profile.request();
            ObjectNode node = body.putObject("profile");
            node.put("npi", request.npi());
            node.put("dea", request.dea());
            node.put("stateLicense", request.stateLicense());
            node.put("primaryLicense", request.primaryLicense());
            node.put("secondaryLicense", request.secondaryLicense());
            node.put("nadean", request.nadean());
            request.credentials().forEach(node.putArray("credentials")::add);
            request.specialties().forEach(node.putArray("specialties")::add);
            node.put("bio", request.bio());
            return body;
        }
    }

    /** The temporary password an admin sets instead of sending a reset link. */
    record TemporaryPasswordForm(@Nullable String temporaryPassword) {}

    static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** A required text the browser left empty reaches the service as empty, which names the field. */
    private static String nonNull(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static List<String> list(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    /** A date input's value (yyyy-mm-dd) as the start of that day in UTC. */
    private static @Nullable Instant day(String field, @Nullable String value, List<FieldError> errors) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be a date (yyyy-mm-dd)"));
            return null;
        }
    }
}
