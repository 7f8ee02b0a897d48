package dev.gatehouse.engine;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Why a decision came out as it did. */
public sealed interface Reason {

    /** A sentence for people. */
    String explain();

    /** A short machine-readable name: {@code GRANTED_BY}, {@code SCOPE_MISS}, ... */
    String code();

    /**
     * Allowed: {@code assignment} gives {@code role}, whose grant {@code grant} (declared on
     * {@code declaredBy}: the role itself or one it inherits from) covers the request; when
     * {@code through} is not null, because a stored relationship makes the subject one of the
     * resource's assignees (docs/access-model.md, "Scopes": {@code ASSIGNED}).
     */
    record GrantedBy(String role, Assignment assignment, Grant grant, String declaredBy,
            @Nullable RelationPath through) implements Reason {

        public GrantedBy(String role, Assignment assignment, Grant grant, String declaredBy) {
            this(role, assignment, grant, declaredBy, null);
        }

        @Override
        public String explain() {
            String where = assignment.location() == null ? "tenant-wide" : "at " + assignment.location();
            String via = declaredBy.equals(role) ? "" : " (inherited from " + declaredBy + ")";
            String path = through == null ? "" : ", as " + through.describe();
            return "role " + role + " held " + where + " grants " + grant + via + path;
        }

        @Override
        public String code() {
            return "GRANTED_BY";
        }
    }

    /** No role the subject holds grants the permission at all. */
    record NoMatchingGrant(String permission) implements Reason {
        @Override
        public String explain() {
            return "no role held grants " + permission;
        }

        @Override
        public String code() {
            return "NO_MATCHING_GRANT";
        }
    }

    /**
     * The subject's credential (an API key) is narrowed to some permissions and locations, and the
     * request is outside them: {@code why} says which; what the subject holds is not looked at.
     */
    record BeyondCredential(String permission, String why) implements Reason {
        @Override
        public String explain() {
            return "the credential does not reach " + permission + ": " + why;
        }

        @Override
        public String code() {
            return "BEYOND_CREDENTIAL";
        }
    }

    /** The permission is not in the tenant's catalog. */
    record UnknownPermission(String permission) implements Reason {
        @Override
        public String explain() {
            return permission + " is not in this tenant's permission catalog";
        }

        @Override
        public String code() {
            return "UNKNOWN_PERMISSION";
        }
    }

    /**
     * The subject holds the permission, but no held scope reaches the resource: the closest miss,
     * the widest scope held.
     */
    record ScopeMiss(String permission, Scope held, String role, String why) implements Reason {
        @Override
        public String explain() {
            return "holds " + permission + " with scope " + held + " (role " + role + ") but " + why;
        }

        @Override
        public String code() {
            return "SCOPE_MISS";
        }
    }

    /** A grant would reach the resource, but its condition did not hold or could not be evaluated. */
    record ConditionFailed(String permission, String role, Condition condition, String why) implements Reason {
        @Override
        public String explain() {
            return "role " + role + " grants " + permission + " only if " + condition.expression() + ": " + why;
        }

        @Override
        public String code() {
            return "CONDITION_FAILED";
        }
    }

    /**
     * Only assignments that are not in force at the request's time grant the permission: outside
     * their window, or lent by someone who does not hold the role then.
     */
    record OutsideValidity(String permission, Assignment assignment, Instant at) implements Reason {
        @Override
        public String explain() {
            if (assignment.source() == AssignmentSource.DELEGATION && assignment.validAt(at)) {
                String lender = assignment.delegator() == null ? "its lender" : assignment.delegator().id();
                return "role " + assignment.role() + " would grant " + permission + " but it was lent by " + lender
                        + ", who does not hold it there at " + at + " (a lent role ends when its lender loses it)";
            }
            String window = (assignment.startsAt() == null ? "" : "from " + assignment.startsAt() + " ")
                    + (assignment.expiresAt() == null ? "" : "until " + assignment.expiresAt());
            return "role " + assignment.role() + " would grant " + permission + " but its assignment is valid only "
                    + window.strip() + ", not at " + at;
        }

        @Override
        public String code() {
            return "OUTSIDE_VALIDITY";
        }
    }

    /** The subject may do nothing: not active, locked, or temporarily locked out. */
    record InactiveSubject(SubjectStatus status, @Nullable Instant lockedUntil) implements Reason {
        @Override
        public String explain() {
            if (status == SubjectStatus.ACTIVE && lockedUntil != null) {
                return "the account is temporarily locked until " + lockedUntil;
            }
            return "the account is " + status.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String code() {
            return "INACTIVE_SUBJECT";
        }
    }

    /** The subject's account ended at {@code expiredAt} (a contractor's, seed 000): it may do nothing since. */
    record ExpiredSubject(Instant expiredAt) implements Reason {
        @Override
        public String explain() {
            return "the account expired at " + expiredAt;
        }

        @Override
        public String code() {
            return "EXPIRED_SUBJECT";
        }
    }

    /** The tenant is suspended: nobody in it may do anything. */
    record InactiveTenant(String tenant) implements Reason {
        @Override
        public String explain() {
            return "tenant " + tenant + " is not active";
        }

        @Override
        public String code() {
            return "INACTIVE_TENANT";
        }
    }

    /** The subject's profile belongs to another tenant: nothing crosses tenants. */
    record ForeignProfile(String tenant, String profileTenant) implements Reason {
        @Override
        public String explain() {
            return "the subject belongs to tenant " + profileTenant + ", not to " + tenant;
        }

        @Override
        public String code() {
            return "FOREIGN_PROFILE";
        }
    }

    /**
     * Allowed to act on another user's credentials, identity or access: the caller holds in force
     * everything the target holds (docs/engine.md, "Who may act on whom"), or is the target.
     */
    record Covers(String caller, String target, boolean self) implements Reason {
        @Override
        public String explain() {
            return self ? "acts on their own account" : "holds everything " + target + " holds, at least as widely";
        }

        @Override
        public String code() {
            return "COVERS";
        }
    }

    /**
     * Refused: the target holds {@code permission} with {@code scope} through {@code role} held at
     * {@code location} (tenant-wide when null), under {@code condition} when not null, and the caller
     * holds it in force at most {@code callerScope} (null: not at all), only at {@code callerLocations}
     * when that scope is held at some places and nowhere tenant-wide (empty otherwise), or only
     * under other conditions.
     */
    record Uncovered(String target, String permission, Scope scope, @Nullable String location,
            @Nullable Condition condition, String role, @Nullable Scope callerScope, List<String> callerLocations,
            boolean callerOnlyConditional) implements Reason {

        public Uncovered {
            callerLocations = List.copyOf(callerLocations);
        }

        @Override
        public String explain() {
            return describe(Function.identity());
        }

        /**
         * The sentence with display names: {@code names} maps the target's subject id and location
         * ids to what people call them ("olivia holds users.delete tenant-wide, which you do not hold").
         */
        public String describe(Function<String, String> names) {
            String held = switch (scope) {
                case TENANT -> "tenant-wide";
                case LOCATION -> location == null ? "at every location" : "at " + names.apply(location);
                case ASSIGNED -> "for what is assigned to them" + where(location, names);
                case OWN -> "for what they own" + where(location, names);
            };
            String when = condition == null ? "" : " (only if " + condition.expression() + ")";
            String yours;
            if (callerScope == null) {
                yours = callerOnlyConditional ? "you hold only under another condition" : "you do not hold";
            } else {
                yours = switch (callerScope) {
                    case TENANT -> "you hold only under another condition";
                    case LOCATION -> callerLocations.isEmpty()
                            ? "you do not hold as widely"
                            : "you hold only at " + String.join(", ", callerLocations.stream().map(names).toList());
                    case ASSIGNED -> "you hold only for what is assigned to you" + only(names);
                    case OWN -> "you hold only for what you own" + only(names);
                };
            }
            return names.apply(target) + " holds " + permission + " " + held + when + ", which " + yours;
        }

        /** Where an OWN or ASSIGNED grant is held: coverage asks it (docs/engine.md). */
        private static String where(@Nullable String location, Function<String, String> names) {
            return location == null ? ", tenant-wide" : " at " + names.apply(location);
        }

        /** The places the caller holds their narrower grant, when only at some. */
        private String only(Function<String, String> names) {
            return callerLocations.isEmpty() ? "" : " at " + String.join(", ", callerLocations.stream().map(names).toList());
        }

        @Override
        public String code() {
            return "UNCOVERED";
        }
    }
}
