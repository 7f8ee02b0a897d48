package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserRoleService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Settings › Users (seed 000): the roster with search, filters and paging, and adding a user with
 * details, clinical profile, roles per location and either an invitation or an admin-set password
 * (seed 001), or a service account with neither (issue 12), shown apart by a filter and a badge;
 * the "No role" filter answers seed 001's validation "every user has at least one role" (issue 16).
 * The roster is the users service's list, so a location manager sees the users of their locations
 * only.
 */
@Controller
class UserRosterController {

    static final String USERS = "/console/users";
    static final int PAGE_SIZE = 25;

    /**
     * The roster's query string: the API's list filters, the cursor of the page beside the last one shown (issue
     * 17: Next and Previous follow the list's cursors, as cheap at any depth) and the page's number, which with a
     * cursor only labels the page.
     */
    record RosterQuery(@Nullable String q, @Nullable String status, @Nullable String role, @Nullable String location,
            @Nullable String hidden, @Nullable String kind, @Nullable String withoutRole, @Nullable String page,
            @Nullable String cursor) {

        int pageNumber() {
            try {
                return page == null ? 0 : Math.max(0, Integer.parseInt(page));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        Roster.Filter filter() {
            return new Roster.Filter(UserForms.blankToNull(q), UserForms.blankToNull(status),
                    UserForms.blankToNull(role), UserForms.blankToNull(location), UserForms.blankToNull(hidden),
                    UserForms.blankToNull(kind), UserForms.blankToNull(withoutRole), null);
        }
    }

    /** One roster line: the account and its assignments read as role @ location. */
    record Row(UserAccount user, List<String> roles) {}

    private final Roster users;
    private final UserRoleService roles;
    private final UserPage page;
    private final UserDirectory directory;
    private final Access access;

    UserRosterController(Roster users, UserRoleService roles, UserPage page, UserDirectory directory,
            Access access) {
        this.users = users;
        this.roles = roles;
        this.page = page;
        this.directory = directory;
        this.access = access;
    }

    @GetMapping(USERS)
    String list(@AuthenticationPrincipal Caller caller, @ModelAttribute("query") RosterQuery query, Model model,
            HttpServletResponse response) {
        TenantScope.Scoped tenant = page.tenant(caller);
        UserDirectory.Names names = directory.of(caller);
        model.addAttribute("names", names);
        model.addAttribute("mayCreate", access.allows(caller, "users.create", null));
        model.addAttribute("mayExport", access.allows(caller, "users.export", null));
        Roster.ListPage found;
        String cursor = UserForms.blankToNull(query.cursor());
        int number = query.pageNumber();
        try {
            found = cursor == null ? users.list(caller, tenant, query.filter(), number, PAGE_SIZE)
                    : users.list(caller, tenant, query.filter(), 0, cursor, PAGE_SIZE);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            number = 0;
            found = new Roster.ListPage(List.of(), 0, PAGE_SIZE, 0, false, null, null);
        }
        model.addAttribute("pageNumber", number);
        model.addAttribute("rows", found.items().stream().map(user -> new Row(user, roles.assignments(caller, tenant,
                user.id(), 0, 200).items().stream().map(a -> names.assignment(a.role(), a.location())).toList()))
                .toList());
        model.addAttribute("found", found);
        // Beyond the count's cap (issue 17) the last page is not known: the next one is offered while there is one.
        long counted = Math.max(0, (found.total() - 1) / PAGE_SIZE);
        model.addAttribute("lastPage", found.totalIsLowerBound() && found.next() != null
                ? Math.max(counted, number + 1) : Math.max(counted, number));
        model.addAttribute("countedAtMost", Roster.COUNTED_AT_MOST);
        return "console/users/list";
    }

    /** The add-user form; {@code ?kind=SERVICE} is the add-service-account form (issue 12). */
    @GetMapping(USERS + "/new")
    String add(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String kind,
            Model model) {
        access.require(caller, "users.create", null);
        return form(caller, UserForms.NewUserForm.empty(UserForms.NewUserForm.SERVICE.equals(kind)), model);
    }

    @PostMapping(USERS + "/new")
    String create(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") UserForms.NewUserForm form,
            Model model, Origin origin, HttpServletRequest request, HttpServletResponse response) {
        Roster.Created created;
        String generated = form.generates() ? GeneratedPasswords.next() : null;
        try {
            created = users.create(caller, page.tenant(caller), generated == null ? form.request() : form.request(generated),
                    origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT
                    && e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return form(caller, form, model);
        }
        if (generated != null) {
            // Shown once, here, like an invitation link; the user must change it at first sign-in.
            model.addAttribute("created", created);
            model.addAttribute("generatedPassword", generated);
            return "console/users/created-password";
        }
        if (created.invitationUrl() == null) {
            return "redirect:" + USERS + "/" + created.id() + "?created";
        }
        // The link is shown once, here, and never put in a URL (it stands in for a password).
        model.addAttribute("created", created);
        return "console/users/created";
    }

    private String form(Caller caller, UserForms.NewUserForm form, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("names", directory.of(caller));
        return "console/users/new";
    }
}
