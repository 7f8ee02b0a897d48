package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.Roster;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The user page's "Account terms" card (issue 13): the last sign-in, when a contractor's account
 * ends, whom the user reports to and who reports to them. Its form changes the end date and the
 * manager through the users API's own PATCH (the same checks: a date ahead, a manager of this
 * organisation, never oneself, never a cycle).
 */
@Controller
class AccountTermsController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Roster users;
    private final Access access;
    private final UserPage page;

    AccountTermsController(Roster users, Access access, UserPage page) {
        this.users = users;
        this.access = access;
        this.page = page;
    }

    @PostMapping(UserPageController.USER + "/terms")
    String update(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ModelAttribute("terms") AccountTermsCard.TermsForm terms, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            users.update(caller, page.tenant(caller), user, patch(caller, terms), origin);
        } catch (ApiException e) {
            // The page's roles form has an expiresAt of its own: this card's errors are named apart.
            ApiException named = new ApiException(e.status(), e.title(), e.getMessage(), e.errors().stream()
                    .map(error -> new FieldError("terms." + error.field(), error.message())).toList());
            return page.refused(caller, user, model, response, named, "terms");
        }
        return UserPage.done(request, response, UserRosterController.USERS + "/" + user + "?saved");
    }

    private ObjectNode patch(Caller caller, AccountTermsCard.TermsForm terms) {
        ObjectNode patch = JSON.createObjectNode();
        String date = terms.expiresAt() == null ? "" : terms.expiresAt().strip();
        if (date.isEmpty()) {
            patch.putNull("expiresAt");
        } else {
            try {
                patch.put("expiresAt", LocalDate.parse(date).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("expiresAt", "must be a date");
            }
        }
        String manager = terms.managerId() == null ? "" : terms.managerId().strip();
        if (manager.isEmpty()) {
            patch.putNull("managerId");
        } else {
            patch.put("managerId", access.findUser(caller.tenant(), manager).map(UUID::toString)
                    .orElseThrow(() -> ApiException.badRequest("managerId", "no user " + manager
                            + " in this organisation")));
        }
        return patch;
    }

}
