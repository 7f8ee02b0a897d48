package dev.gatehouse.engine;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The holders who-can may count as allowed from their state and assignment rows alone, without
 * compiling or checking their profile ({@link TenantPolicy#certainHolders}; issue 17). A subject is
 * certain when they are active at the instant ({@link Subject#isActiveAt}: status active, no
 * lockout running, account not ended) and one of their assignments counted by {@code roles}, of
 * one of {@code sources}, is within its window: the engine has no deny, so an unconditional grant
 * that reaches the question allows whatever else the subject holds. A subject who is not certain
 * may still be allowed (a condition that holds, a backed delegation): the check decides them.
 *
 * @param roles roles whose unconditional grant reaches the question, as {@link Candidates} counts them
 * @param sources the assignment sources in force by their own window alone (a delegation also needs its lender)
 */
public record CertainHolders(Candidates roles, Set<AssignmentSource> sources) {

    public CertainHolders {
        sources = sources.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(sources));
    }

    /** Nobody is certain: every candidate is decided by the check. */
    public boolean none() {
        return roles.none() || sources.isEmpty();
    }

    /** Whether {@code assignment}, if in force by its window, allows by itself. */
    public boolean counts(Assignment assignment) {
        return sources.contains(assignment.source()) && roles.counts(assignment);
    }

    /** Whether {@code subject} is allowed at {@code at} for certain, by their state and assignments alone. */
    public boolean certifies(Subject subject, Instant at) {
        if (none() || !subject.isActiveAt(at)) {
            return false;
        }
        for (Assignment assignment : subject.assignments()) {
            if (assignment.validAt(at) && counts(assignment)) {
                return true;
            }
        }
        return false;
    }
}
