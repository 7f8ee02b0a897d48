package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.engine.RelationPath;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.SubjectStatus;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The tenant's policy and one user as the engine sees them, for the Java SDK's in-process decisions
 * (issue 14, docs/changes.md): read by the very loaders the server's engine is built from
 * ({@link PolicyLoader}, {@link RelationshipSource}), so what the SDK decides with cannot differ from
 * what the server decides with. Each carries the tenant's change-log version read before the data:
 * any change the document may lack comes on the change stream with a higher version.
 */
@Service
class DecisionDocuments {

    record PolicyDocument(long version, TenantRef tenant, boolean active, String timeZone,
            List<PermissionView> permissions, List<RoleView> roles, List<LocationView> locations) {}

    /** {@code key}: the engine's name of the tenant, which the SDK builds its policy with. */
    record TenantRef(String id, String slug, String key) {}

    record PermissionView(String key, String description, PermissionKind kind) {}

    record RoleView(String key, String name, String description, List<String> inherits, List<GrantView> grants) {}

    record GrantView(String permission, Scope scope, @Nullable String condition) {}

    record LocationView(String id, @Nullable String parent, String name) {}

    record SubjectDocument(long version, String id, String username, SubjectStatus status,
            @Nullable Instant lockedUntil, @Nullable Instant expiresAt, List<AssignmentView> assignments,
            RelationsView relations) {}

    /** {@code lender}: the lending user as they stand, on a delegation whose lender exists. */
    record AssignmentView(String id, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, AssignmentSource source, @Nullable LenderView lender) {}

    record LenderView(String id, String username, SubjectStatus status, @Nullable Instant lockedUntil,
            @Nullable Instant expiresAt, List<AssignmentView> assignments) {}

    record RelationsView(List<TupleView> tuples, List<CareTeamView> careTeams) {}

    record TupleView(String relation, String type, String id, @Nullable Instant until) {}

    /**
     * A path through a care team. The engine keeps one end per path, the earlier of the membership's
     * and the tuple's: that is {@code until}, and {@code memberUntil} is left out (open).
     */
    record CareTeamView(String team, String teamName, @Nullable Instant memberUntil, String relation, String type,
            String id, @Nullable Instant until) {}

    private final PolicyLoader loader;
    private final RelationshipSource relationships;
    private final ChangeLog changeLog;

    DecisionDocuments(PolicyLoader loader, RelationshipSource relationships, ChangeLog changeLog) {
        this.loader = loader;
        this.relationships = relationships;
        this.changeLog = changeLog;
    }

    PolicyDocument policy(TenantId tenant, String slug) {
        long version = changeLog.newest(tenant);
        PolicyLoader.PolicyData data = loader.data(tenant).orElseThrow(() -> ApiException.notFound("tenant " + slug));
        return new PolicyDocument(version, new TenantRef(tenant.toString(), slug, data.key()), data.active(),
                data.timeZone(), data.permissions().stream().map(DecisionDocuments::view).toList(),
                data.roles().stream().map(DecisionDocuments::view).toList(),
                data.locations().stream().map(place -> new LocationView(place.id(), place.parent(), place.name()))
                        .toList());
    }

    /** The user as the engine compiles them, with their relationships; empty when the tenant has no such user. */
    Optional<SubjectDocument> subject(TenantId tenant, UUID user) {
        long version = changeLog.newest(tenant);
        Optional<Subject> subject = loader.subject(tenant, user, null, lender -> { });
        Optional<String> username = loader.username(tenant, user);
        if (subject.isEmpty() || username.isEmpty()) {
            return Optional.empty();
        }
        SubjectRelations relations = relationships.load(tenant, PolicyLoader.keyOf(tenant), user);
        Subject held = subject.get();
        return Optional.of(new SubjectDocument(version, held.id(), username.get(), held.status(), held.lockedUntil(),
                held.expiresAt(), assignments(tenant, held), view(relations)));
    }

    private List<AssignmentView> assignments(TenantId tenant, Subject subject) {
        return subject.assignments().stream().map(assignment -> new AssignmentView(assignment.id(), assignment.role(),
                assignment.location(), assignment.startsAt(), assignment.expiresAt(), assignment.source(),
                lender(tenant, assignment))).toList();
    }

    private @Nullable LenderView lender(TenantId tenant, Assignment assignment) {
        Subject lender = assignment.delegator();
        if (lender == null) {
            return null;
        }
        String username = Ids.parse(lender.id()).flatMap(id -> loader.username(tenant, id)).orElse(lender.id());
        return new LenderView(lender.id(), username, lender.status(), lender.lockedUntil(), lender.expiresAt(),
                assignments(tenant, lender));
    }

    private static RelationsView view(SubjectRelations relations) {
        List<RelationPath> paths = relations.paths();
        return new RelationsView(
                paths.stream().filter(path -> path.kind() != RelationPath.Kind.CARE_TEAM)
                        .map(path -> new TupleView(path.relation(), path.objectType(), path.objectId(), path.until()))
                        .toList(),
                paths.stream().filter(path -> path.kind() == RelationPath.Kind.CARE_TEAM)
                        .map(path -> new CareTeamView(String.valueOf(path.careTeam()), String.valueOf(path.careTeamName()),
                                null, path.relation(), path.objectType(), path.objectId(), path.until()))
                        .toList());
    }

    private static PermissionView view(Permission permission) {
        return new PermissionView(permission.key(), permission.description(), permission.kind());
    }

    private static RoleView view(Role role) {
        return new RoleView(role.key(), role.name(), role.description(), role.inherits(),
                role.grants().stream().map(DecisionDocuments::view).toList());
    }

    private static GrantView view(Grant grant) {
        return new GrantView(grant.permission(), grant.scope(),
                grant.condition() == null ? null : grant.condition().expression());
    }
}
