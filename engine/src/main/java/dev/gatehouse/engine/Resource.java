package dev.gatehouse.engine;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a request acts on: its type and id, where it is, who owns it and who is assigned to it
 * (assigned provider, care-team members, those it is shared with), plus attributes for conditions.
 */
public record Resource(
        @Nullable String type,
        @Nullable String id,
        @Nullable String location,
        @Nullable String owner,
        Set<String> assignees,
        Map<String, Object> attributes) {

    public Resource {
        assignees = Set.copyOf(assignees);
        attributes = Map.copyOf(attributes);
    }

    public static Resource of(String type, String id) {
        return new Resource(type, id, null, null, Set.of(), Map.of());
    }

    /** Only a location: "may the subject do this at this location?". */
    public static Resource at(String location) {
        return new Resource(null, null, location, null, Set.of(), Map.of());
    }

    public Resource locatedAt(@Nullable String newLocation) {
        return new Resource(type, id, newLocation, owner, assignees, attributes);
    }

    public Resource ownedBy(@Nullable String newOwner) {
        return new Resource(type, id, location, newOwner, assignees, attributes);
    }

    public Resource assignedTo(Collection<String> newAssignees) {
        return new Resource(type, id, location, owner, Set.copyOf(newAssignees), attributes);
    }

    public Resource assignedTo(String... newAssignees) {
        return assignedTo(Set.of(newAssignees));
    }

    public Resource withAttributes(Map<String, Object> newAttributes) {
        return new Resource(type, id, location, owner, assignees, newAttributes);
    }

    /** "patient 123", or the best description there is, for explanations. */
    String describe() {
        if (type != null && id != null) {
            return type + " " + id;
        }
        if (id != null) {
            return "resource " + id;
        }
        if (type != null) {
            return "this " + type;
        }
        return location != null ? "location " + location : "this resource";
    }
}
