package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.users.Managers;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * What the user page's "Account terms" card shows (issue 13): the last sign-in, when a
 * contractor's account ends, the manager and who reports to the user; its form is
 * {@link AccountTermsController}'s.
 */
@Component
class AccountTermsCard {

    /**
     * What the card's form posts, named as the API's fields so its errors land on them: {@code expiresAt}
     * a date (the account ends as that day begins, 00:00 UTC; blank: none), {@code managerId} the manager's username (blank: none).
     */
    record TermsForm(@Nullable String expiresAt, @Nullable String managerId) {}

    /** Someone who reports to the user. */
    record ReportRow(UUID id, String username, String name) {}

    private final Managers managers;
    private final UserStore users;
    private final Roster roster;
    private final Clock clock;

    AccountTermsCard(Managers managers, UserStore users, Roster roster, Clock clock) {
        this.managers = managers;
        this.users = users;
        this.roster = roster;
        this.clock = clock;
    }

    private boolean readable(Caller caller, TenantScope.Scoped tenant, UUID user) {
        try {
            roster.get(caller, tenant, user);
            return true;
        } catch (ApiException refused) {
            return false;
        }
    }

    /** The card's model for {@code user}, whom the caller was allowed to read; a form already there (with its errors) stays. */
    void addTo(Caller caller, TenantScope.Scoped tenant, UserAccount user, Model model) {
        String manager = user.managerId() == null ? null : users.username(tenant.id(), user.managerId()).orElse(null);
        model.addAttribute("lastSignIn", UserPage.when(user.lastSignInAt()));
        model.addAttribute("accountEnds", UserPage.when(user.expiresAt()));
        model.addAttribute("accountEnded", user.expiredBy(clock.instant()));
        model.addAttribute("managerName", manager);
        // Only those the caller may read, as GET …/users/{id}/reports answers.
        model.addAttribute("reports", managers.reports(tenant.id(), user.id(), 0, 200).stream()
                .filter(r -> readable(caller, tenant, r.id()))
                .map(r -> new ReportRow(r.id(), r.username(), r.firstName() + " " + r.lastName())).toList());
        if (!model.containsAttribute("terms")) {
            model.addAttribute("terms", new TermsForm(user.expiresAt() == null ? null
                    : user.expiresAt().atOffset(ZoneOffset.UTC).toLocalDate().toString(), manager));
        }
    }
}
