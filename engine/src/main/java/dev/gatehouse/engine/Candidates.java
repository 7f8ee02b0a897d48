package dev.gatehouse.engine;

import java.util.List;
import java.util.Set;

/**
 * The assignments whose holders may be able to do one permission at one location — all that
 * who-can has to read from storage, so that its cost follows the holders of the permission and not
 * the tenant's size ({@link TenantPolicy#candidates}). A subject with none of them is denied by the
 * check whatever else they hold; a subject with one is decided by the check as any other.
 *
 * @param anywhere roles that count wherever they are held (their grant reaches the whole tenant, or
 *     the question names no location)
 * @param located roles that count only when held tenant-wide or at one of {@code places}
 * @param places the location asked about and every location above it
 */
public record Candidates(Set<String> anywhere, Set<String> located, List<String> places) {

    public Candidates {
        anywhere = Set.copyOf(anywhere);
        located = Set.copyOf(located);
        places = List.copyOf(places);
    }

    /** No role counts: nobody can, and storage need not be asked. */
    public boolean none() {
        return anywhere.isEmpty() && located.isEmpty();
    }

    /** Whether {@code assignment}, if in force, is one of these (its window and its holder are the check's). */
    public boolean counts(Assignment assignment) {
        return anywhere.contains(assignment.role()) || located.contains(assignment.role())
                && (assignment.location() == null || places.contains(assignment.location()));
    }
}
