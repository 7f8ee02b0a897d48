package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.apikeys.ApiKeyView;
import dev.gatehouse.server.apikeys.ApiKeys;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The API keys screen ({@code /console/api-keys}): the keys the signed-in user may see — their own,
 * and with {@code users.read} those of the users they cover; {@code ?owner=} narrows it to one
 * owner (a service account's page links here) and makes new keys for that owner. A new or rotated
 * secret is shown on the answer to the form that made it, once, never in a URL or a redirect.
 * Every action goes through {@link ApiKeys}, the API's own rules.
 */
@Controller
class ApiKeysPageController {

    static final String PATH = "/console/api-keys";

    /** What the new-key form posts: scopes separated by commas or spaces, a lifetime in days (blank: the default). */
    record KeyForm(@Nullable String name, @Nullable String scopes, @Nullable String days) {}

    private final ApiKeys keys;
    private final Clock clock;
    private final Access access;

    ApiKeysPageController(ApiKeys keys, Clock clock, Access access) {
        this.keys = keys;
        this.clock = clock;
        this.access = access;
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String owner,
            @RequestParam(required = false) @Nullable String revoked, Model model) {
        model.addAttribute("notice", revoked == null ? null : "The key is revoked: it stopped working everywhere.");
        return page(caller, owner(owner), model, new KeyForm(null, null, null));
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String owner,
            @ModelAttribute("form") KeyForm form, Model model, Origin origin, HttpServletResponse response) {
        UUID ownerId = owner(owner);
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("API keys");
        }
        try {
            ApiKeys.Issued issued = keys.create(caller, caller.tenant(), new ApiKeys.NewKey(form.name(),
                    ownerId == null ? null : ownerId.toString(), scopes(form.scopes()), null, expiry(form.days()), null),
                    origin);
            model.addAttribute("issued", issued);
            model.addAttribute("issuedWhat", "created");
            return page(caller, ownerId, model, new KeyForm(null, null, null));
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, ownerId, model, form);
        }
    }

    @PostMapping(PATH + "/{id}/rotate")
    String rotate(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String owner, @RequestParam(required = false) @Nullable Integer overlapHours,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            model.addAttribute("issued", keys.rotate(caller, caller.tenant(), Ids.inPath(id, "API key"), overlapHours,
                    origin));
            model.addAttribute("issuedWhat", "rotated");
        } catch (ApiException e) {
            refused(e, model, response);
        }
        return page(caller, owner(owner), model, new KeyForm(null, null, null));
    }

    @PostMapping(PATH + "/{id}/revoke")
    String revoke(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String owner, Origin origin) {
        keys.revoke(caller, caller.tenant(), Ids.inPath(id, "API key"), origin);
        UUID ownerId = owner(owner);
        return "redirect:" + PATH + "?revoked" + (ownerId == null ? "" : "&owner=" + ownerId);
    }

    private String page(Caller caller, @Nullable UUID owner, Model model, KeyForm form) {
        if (caller.isPlatformOperator()) {
            // Operators are outside tenants (docs/access-model.md): no keys of theirs to act in one.
            throw ApiException.notFound("API keys");
        }
        List<ApiKeyView> visible = keys.list(caller, caller.tenant(), owner);
        model.addAttribute("keys", visible);
        model.addAttribute("permissionNames", permissionNames(caller));
        model.addAttribute("owner", owner == null ? null : owner.toString());
        model.addAttribute("form", form);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/api-keys/list";
    }

    private static @Nullable UUID owner(@Nullable String owner) {
        return owner == null || owner.isBlank() ? null : Ids.parse(owner.strip())
                .orElseThrow(() -> ApiException.badRequest("owner", "is not a user id"));
    }

    private static List<String> scopes(@Nullable String text) {
        return text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    private @Nullable Instant expiry(@Nullable String days) {
        if (days == null || days.isBlank()) {
            return null;
        }
        try {
            return clock.instant().plus(Duration.ofDays(Long.parseLong(days.strip())));
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.badRequest("expiresAt", "the lifetime must be a whole number of days");
        }
    }

    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        response.setStatus(e.status().value());
    }

    /** Each catalog key's name for people (issue 16), so a key's scopes read "View patient records", key beside. */
    private Map<String, String> permissionNames(Caller caller) {
        Map<String, String> names = new HashMap<>();
        access.policy(caller.tenant()).ifPresent(policy -> policy.catalog().permissions()
                .forEach(permission -> names.put(permission.key(), RoleMatrix.name(permission, permission.key()))));
        return names;
    }
}
