package dev.gatehouse.client.spring;

import dev.gatehouse.client.Check;
import dev.gatehouse.client.ResourceRef;
import org.jspecify.annotations.Nullable;

/**
 * One permission asked about for the signed-in user, from a route rule, a method annotation or a view: the
 * permission, and the resource ({@code patient 123}) and location it is asked about when the rule names them.
 *
 * @param resourceType the resource's type when the rule names one; its id must then be known to decide
 * @param resourceId the resource's id as the request or the method's arguments gave it, null when they did not
 * @param location the location asked about, null for none
 */
record PermissionQuestion(String permission, @Nullable String resourceType, @Nullable String resourceId,
        @Nullable String location) {

    PermissionQuestion {
        if (resourceId != null && resourceId.isBlank()) {
            resourceId = null;
        }
        if (location != null && location.isBlank()) {
            location = null;
        }
    }

    static PermissionQuestion of(String permission) {
        return new PermissionQuestion(permission, null, null, null);
    }

    /** A rule naming a resource type whose id the request or the call did not give: nothing to decide on. */
    boolean missingResource() {
        return resourceType != null && resourceId == null;
    }

    Check checkFor(String user) {
        Check check = Check.of(user, permission);
        if (resourceType != null && resourceId != null) {
            ResourceRef resource = ResourceRef.of(resourceType, resourceId);
            return check.on(location == null ? resource : resource.at(location));
        }
        if (location != null) {
            // A location without a resource is asked about as the location itself.
            return check.on(ResourceRef.location(location));
        }
        return check;
    }

    /** "patients.read on patient 123 at {location}", for pages and audit details. */
    String describe() {
        StringBuilder text = new StringBuilder(permission);
        if (resourceType != null) {
            text.append(" on ").append(resourceType);
            if (resourceId != null) {
                text.append(' ').append(resourceId);
            }
        }
        if (location != null) {
            text.append(" at ").append(location);
        }
        return text.toString();
    }
}
