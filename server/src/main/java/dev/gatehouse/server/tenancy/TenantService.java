package dev.gatehouse.server.tenancy;

import dev.gatehouse.engine.packs.RolePack;
import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.RoleStore;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.mail.MailTemplates;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.SettingsDocument;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import dev.gatehouse.server.users.UserTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates tenants from a role pack, with their first admin. */
@Service
public class TenantService {

    /** The first admin of a new tenant; without a password they get an invitation link. */
    public record FirstAdmin(String username, @Nullable String email, String firstName, String lastName,
            @Nullable String passwordHash) {}

    public record Created(Tenant tenant, UUID adminId, @Nullable String invitationUrl) {}

    private final Tenants tenants;
    private final RoleStore roles;
    private final UserStore users;
    private final Assignments assignments;
    private final UserTokens tokens;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Outbox outbox;
    private final MailTemplates templates;
    private final Clock clock;
    private final PasswordPolicy passwordPolicy;

    TenantService(Tenants tenants, RoleStore roles, UserStore users, Assignments assignments, UserTokens tokens,
            AuditLog audit, AccessChanges changes, Outbox outbox, MailTemplates templates, Clock clock,
            PasswordPolicy passwordPolicy) {
        this.passwordPolicy = passwordPolicy;
        this.tenants = tenants;
        this.roles = roles;
        this.users = users;
        this.assignments = assignments;
        this.tokens = tokens;
        this.audit = audit;
        this.changes = changes;
        this.outbox = outbox;
        this.templates = templates;
        this.clock = clock;
    }

    /**
     * Creates a tenant: the pack's catalog and roles, the default settings, and the first admin
     * holding the pack's admin role tenant-wide. One transaction: all of it or nothing.
     * {@code TENANT_CREATED} goes on the new tenant's trail (its admins see how it began) and on
     * the trail of {@code operatorsTenant}, the platform's: the operator did it, and the platform's
     * trail is where operators are accounted for.
     */
    @Transactional
    public Created create(String slug, String name, RolePack pack, @Nullable Tenant parent, FirstAdmin admin,
            AuditLog.Actor actor, TenantId operatorsTenant, Origin origin) {
        if (tenants.slugTaken(slug)) {
            throw ApiException.conflict("a tenant with slug " + slug + " already exists");
        }
        TenantId id = new TenantId(UUID.randomUUID());
        // A child stores only what it overrides (docs/organisations.md): everything else follows its parent.
        tenants.insert(id, slug, name, pack.name(), parent == null ? null : parent.id(),
                parent == null ? SettingsDocument.defaultsJson() : "{}");
        roles.install(id, pack);
        boolean invite = admin.passwordHash() == null;
        UUID adminId = users.insert(id, new UserStore.NewUser(admin.username(), admin.firstName(), admin.lastName(),
                admin.email(), null, "HUMAN", invite ? "INVITED" : "ACTIVE", admin.passwordHash(),
                // seed 001: a password set by someone else is changed at first sign-in.
                invite ? List.of() : List.of("CHANGE_PASSWORD")));
        if (admin.passwordHash() != null) {
            passwordPolicy.recordChange(id, adminId, admin.passwordHash(), clock.instant());
        }
        UUID assignment = assignments.insert(id, adminId, pack.adminRole(), null, null, null, invite ? "INVITE" : "DIRECT", null);
        String invitationUrl = invite
                ? tokens.issue(id, adminId, UserTokens.Purpose.INVITATION, Duration.ofHours(48), clock.instant())
                : null;
        Tenant tenant = tenants.find(id).orElseThrow();
        if (invitationUrl != null) {
            mailInvitation(id, admin, invitationUrl);
        }
        AuditLog.Target firstAdmin = new AuditLog.Target("user", adminId.toString(), admin.username());
        AuditLog.Target created = new AuditLog.Target("tenant", id.toString(), slug);
        audit.record(id, "TENANT_CREATED", actor, created, origin.ip(), origin.userAgent(),
                Map.of("pack", pack.name(), "name", name));
        audit.record(operatorsTenant, "TENANT_CREATED", actor, created, origin.ip(), origin.userAgent(),
                Map.of("pack", pack.name(), "name", name));
        audit.record(id, "USER_CREATED", actor, firstAdmin, origin.ip(), origin.userAgent(),
                Map.of("roles", List.of(pack.adminRole()), "invited", invite));
        // "via" tells the trail (and the alerts' adminRoleGranted rule) this is the founding grant.
        audit.record(id, "ROLE_ASSIGNED", actor, firstAdmin, origin.ip(), origin.userAgent(),
                Map.of("assignmentId", assignment.toString(), "role", pack.adminRole(), "via", "tenant-creation"));
        if (invite) {
            audit.record(id, "INVITATION_SENT", actor, firstAdmin, origin.ip(), origin.userAgent(), Map.of());
        }
        changes.policyChanged(id);
        return new Created(tenant, adminId, invitationUrl);
    }

    /** The first admin's invitation goes by e-mail too when they have an address. */
    private void mailInvitation(TenantId tenant, FirstAdmin admin, String link) {
        if (admin.email() != null) {
            outbox.enqueue(tenant, templates.invitation(tenant, admin.email(), admin.username(), link,
                    clock.instant().plus(Duration.ofHours(48))));
        }
    }

    static List<String> packNames() {
        return new ArrayList<>(RolePacks.BUILT_IN);
    }
}
