package dev.gatehouse.client;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a check acts on, as the check API's {@code resource}: its type and id, the location it is kept at,
 * its owner, who is assigned to it (when the application knows; else Gatehouse's stored relationships
 * answer) and attributes that grant conditions read ({@code resource.amount < 500}).
 */
public record ResourceRef(String type, String id, @Nullable String location, @Nullable String owner,
        List<String> assignees, Map<String, Object> attributes) {

    public ResourceRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        assignees = List.copyOf(assignees);
        attributes = Map.copyOf(attributes);
    }

    /**
     * The type a place is asked about as: the check API names a resource by type and id, and a
     * location-scoped grant decides on where the resource is kept.
     */
    public static final String LOCATION_TYPE = "location";

    public static ResourceRef of(String type, String id) {
        return new ResourceRef(type, id, null, null, List.of(), Map.of());
    }

    /** A location itself, asked about as a resource kept there: "may they do this at Downtown?". */
    public static ResourceRef location(String location) {
        return of(LOCATION_TYPE, location).at(location);
    }

    /** Kept at {@code newLocation} (a location id). */
    public ResourceRef at(@Nullable String newLocation) {
        return new ResourceRef(type, id, newLocation, owner, assignees, attributes);
    }

    public ResourceRef ownedBy(@Nullable String newOwner) {
        return new ResourceRef(type, id, location, newOwner, assignees, attributes);
    }

    public ResourceRef assignedTo(String... users) {
        return assignedTo(Arrays.asList(users));
    }

    public ResourceRef assignedTo(List<String> users) {
        return new ResourceRef(type, id, location, owner, users, attributes);
    }

    public ResourceRef attributes(Map<String, Object> newAttributes) {
        return new ResourceRef(type, id, location, owner, assignees, newAttributes);
    }
}
