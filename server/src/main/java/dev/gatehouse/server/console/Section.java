package dev.gatehouse.server.console;

import java.util.Arrays;
import java.util.Optional;

/**
 * The console's screens behind the navigation, each with the permission its API endpoints need to
 * be seen at all. One list serves the menu (an entry shows only when the permission is held) and
 * the {@link SectionGuard} (every URL under the path needs it), so the two cannot disagree.
 */
enum Section {
    USERS("Users", "/console/users", "users.read", Reach.TENANT_MEMBERS),
    // Issue 16, seed 003: user types and the base roles they give.
    USER_TYPES("User types", "/console/user-types", "users.read", Reach.TENANT_MEMBERS),
    ROLES("Roles", "/console/roles", "roles.read", Reach.TENANT_MEMBERS),
    LOCATIONS("Locations", "/console/locations", "locations.read", Reach.TENANT_MEMBERS),
    CARE_TEAMS("Care teams", "/console/care-teams", "care_teams.read", Reach.TENANT_MEMBERS),
    // Issue 16: sign-ups and role requests waiting for an administrator, and where addresses land.
    REGISTRATIONS("Registrations", "/console/registrations", "registrations.approve", Reach.TENANT_MEMBERS),
    DOMAIN_MAPPINGS("Domain mappings", "/console/domain-mappings", "domain-mappings.manage", Reach.TENANT_MEMBERS),
    SECURITY("Security", "/console/security", "settings.read", Reach.TENANT_MEMBERS),
    // Issue 16: the tenant's alert rules and webhook (alerts.AlertsPage); changes need settings.edit.
    ALERTS("Alerts", "/console/alerts", "settings.read", Reach.TENANT_MEMBERS),
    CLIENTS("Applications", "/console/clients", "clients.manage", Reach.TENANT_MEMBERS),
    // Issue 15: the tenant's OIDC, SAML and LDAP identity providers.
    IDENTITY_PROVIDERS("Identity providers", "/console/identity-providers", "identity-providers.manage",
            Reach.TENANT_MEMBERS),
    // Issue 13: running campaigns; reviewers decide their items under /console/reviews, open to every member.
    ACCESS_REVIEWS("Access reviews", "/console/access-reviews", "access_reviews.manage", Reach.TENANT_MEMBERS),
    TEMPORARY_ACCESS("Temporary access", "/console/temporary-access", "elevation.request", Reach.TENANT_MEMBERS),
    EMERGENCY_ACCESS("Emergency access", "/console/emergency-access", "break_glass.open", Reach.TENANT_MEMBERS),
    BREAK_GLASS_REVIEWS("Break-glass reviews", "/console/break-glass-reviews", "break_glass.review",
            Reach.TENANT_MEMBERS),
    // Issue 16 (seed 002 §3.2): platform operators' overrides of this tenant; ending one needs users.edit.
    OVERRIDES("Platform overrides", "/console/overrides", "audit.read", Reach.TENANT_MEMBERS),
    // Issue 16: compliance reports (HIPAA access, who has access, sign-in security) and their schedules.
    REPORTS("Reports", "/console/reports", "compliance_reports.read", Reach.TENANT_MEMBERS),
    ACTIVITY("Activity log", "/console/activity", "audit.read", Reach.EVERYONE),
    TENANTS("Tenants", "/console/tenants", "tenants.read", Reach.OPERATORS),
    // Issue 16: an operator helps a tenant's user: break-glass (seed 001's locked-out admin) or impersonation.
    OPERATOR_ACCESS("Help a user", "/console/operator-access", "platform.break-glass", Reach.OPERATORS),
    // Issue 16 (seed 001, "Admin → System → Notifications"): the platform's SMTP server; notifications.NotificationsPage.
    NOTIFICATIONS("Notifications", "/console/notifications", "platform.settings", Reach.OPERATORS),
    // Issue 16: the mail outbox of every tenant (notifications.OutboxPage), as GET /api/v1/platform/outbox shows it.
    OUTBOX("Outbox", "/console/outbox", "outbox.read", Reach.OPERATORS);

    /**
     * Who a section is for besides the permission. The platform pack grants its operators
     * {@code users.read}, {@code roles.read} and {@code settings.read}, but the platform tenant is
     * not managed through those screens and operators reach a tenant's users only through
     * impersonation or break-glass (docs/security.md), so those sections are the tenants' own.
     */
    enum Reach {
        EVERYONE,
        TENANT_MEMBERS,
        OPERATORS
    }

    private final String label;
    private final String path;
    private final String permission;
    private final Reach reach;

    Section(String label, String path, String permission, Reach reach) {
        this.label = label;
        this.path = path;
        this.permission = permission;
        this.reach = reach;
    }

    public String label() {
        return label;
    }

    public String path() {
        return path;
    }

    public String permission() {
        return permission;
    }

    Reach reach() {
        return reach;
    }

    boolean covers(String requestPath) {
        return requestPath.equals(path) || requestPath.startsWith(path + "/");
    }

    static Optional<Section> of(String requestPath) {
        return Arrays.stream(values()).filter(section -> section.covers(requestPath)).findFirst();
    }
}
