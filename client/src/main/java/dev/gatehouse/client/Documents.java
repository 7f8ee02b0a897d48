package dev.gatehouse.client;

import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.SubjectStatus;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The documents of the decisions API (issue 14 contract, sections 1 and 2) and the engine values they
 * rebuild — built exactly as the server's {@code PolicyLoader} and {@code RelationshipSource} build
 * them, so that the same engine, handed the same values, decides the same.
 */
final class Documents {

    private Documents() {}

    /** {@code GET …/decisions/policy}; {@code version} was read before the data. */
    record PolicyDocument(long version, TenantRef tenant, boolean active, String timeZone,
            @Nullable List<PermissionEntry> permissions, @Nullable List<RoleEntry> roles,
            @Nullable List<LocationEntry> locations) {

        /** {@code key}: the exact tenant string of the server's engine, which profiles and relations must match. */
        record TenantRef(String id, String slug, String key) {}

        record PermissionEntry(String key, @Nullable String description, String kind) {}

        record RoleEntry(String key, String name, @Nullable String description, @Nullable List<String> inherits,
                @Nullable List<GrantEntry> grants) {}

        record GrantEntry(String permission, String scope, @Nullable String condition) {}

        record LocationEntry(String id, @Nullable String parent, @Nullable String name) {}

        /**
         * The policy as the server constructs it: the catalog, the roles in the order sent, the conditions
         * compiled for the tenant's time zone in grant order, the location tree and the tenant's state.
         */
        TenantPolicy toPolicy() {
            List<Permission> catalog = orEmpty(permissions).stream()
                    .map(p -> new Permission(p.key(), p.description(), PermissionKind.valueOf(p.kind()))).toList();
            List<Role> built = orEmpty(roles).stream().map(role -> new Role(role.key(), role.name(), role.description(),
                    orEmpty(role.inherits()), orEmpty(role.grants()).stream().map(PolicyDocument::grant).toList())).toList();
            List<Condition> conditions = built.stream().flatMap(role -> role.grants().stream()).map(Grant::condition)
                    .filter(Objects::nonNull).toList();
            List<Location> tree = orEmpty(locations).stream().map(l -> new Location(l.id(), l.parent())).toList();
            return TenantPolicy.builder(tenant.key(), PermissionCatalog.of(catalog))
                    .roles(built)
                    .conditions(CelConditions.compile(conditions, ZoneId.of(timeZone)))
                    .locations(LocationTree.of(tree))
                    .active(active)
                    .build();
        }

        private static Grant grant(GrantEntry entry) {
            return new Grant(entry.permission(), Scope.valueOf(entry.scope()),
                    entry.condition() == null ? null : new Condition(entry.condition()));
        }
    }

    /** {@code GET …/decisions/subjects/{user}}: the user's state, assignments (with lenders) and relations. */
    record SubjectDocument(long version, String id, @Nullable String username, String status,
            @Nullable Instant lockedUntil, @Nullable Instant expiresAt, @Nullable List<AssignmentEntry> assignments,
            @Nullable Relations relations) {

        /** A role held; {@code lender} only on a DELEGATION whose lender exists, as they stand now. */
        record AssignmentEntry(String id, String role, @Nullable String location, @Nullable Instant startsAt,
                @Nullable Instant expiresAt, String source, @Nullable Lender lender) {}

        /** The lender of a delegated role; their own assignments carry no lender (not theirs to lend on). */
        record Lender(String id, @Nullable String username, String status, @Nullable Instant lockedUntil,
                @Nullable Instant expiresAt, @Nullable List<AssignmentEntry> assignments) {}

        record Relations(@Nullable List<Tuple> tuples, @Nullable List<CareTeamTuple> careTeams) {}

        record Tuple(String relation, String type, String id, @Nullable Instant until) {}

        record CareTeamTuple(String team, String teamName, @Nullable Instant memberUntil, String relation, String type,
                String id, @Nullable Instant until) {}

        Subject toSubject() {
            List<Assignment> held = orEmpty(assignments).stream().map(SubjectDocument::assignment).toList();
            return new Subject(id, SubjectStatus.valueOf(status), lockedUntil, held, expiresAt);
        }

        /** The ids of the users who lent this one a role: a change of theirs changes this profile. */
        List<String> lenders() {
            return orEmpty(assignments).stream().map(AssignmentEntry::lender).filter(Objects::nonNull)
                    .map(Lender::id).distinct().toList();
        }

        /**
         * The user's relationships as the server's {@code RelationshipSource} builds them; none at all is
         * {@link SubjectRelations#NONE}, which decides alike and spares the engine matching an empty index.
         */
        SubjectRelations toRelations(String policyTenant) {
            if (relations == null || orEmpty(relations.tuples()).isEmpty() && orEmpty(relations.careTeams()).isEmpty()) {
                return SubjectRelations.NONE;
            }
            SubjectRelations.Builder builder = SubjectRelations.builder(policyTenant, id);
            orEmpty(relations.tuples()).forEach(t -> builder.tuple(t.relation(), t.type(), t.id(), t.until()));
            orEmpty(relations.careTeams()).forEach(c -> builder.throughCareTeam(c.team(), c.teamName(),
                    c.memberUntil(), c.relation(), c.type(), c.id(), c.until()));
            return builder.build();
        }

        private static Assignment assignment(AssignmentEntry entry) {
            AssignmentSource source = AssignmentSource.valueOf(entry.source());
            if (source == AssignmentSource.DELEGATION && entry.lender() != null) {
                Lender lender = entry.lender();
                Subject lending = new Subject(lender.id(), SubjectStatus.valueOf(lender.status()), lender.lockedUntil(),
                        orEmpty(lender.assignments()).stream().map(SubjectDocument::plain).toList(), lender.expiresAt());
                return Assignment.delegated(entry.id(), entry.role(), entry.location(), entry.startsAt(),
                        entry.expiresAt(), lending);
            }
            return plain(entry);
        }

        private static Assignment plain(AssignmentEntry entry) {
            return new Assignment(entry.id(), entry.role(), entry.location(), entry.startsAt(), entry.expiresAt(),
                    AssignmentSource.valueOf(entry.source()));
        }
    }

    /** {@code data} of a stream event: {@code {version, kind?, user?}}. */
    record StreamEvent(long version, @Nullable String kind, @Nullable String user) {}

    private static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }
}
