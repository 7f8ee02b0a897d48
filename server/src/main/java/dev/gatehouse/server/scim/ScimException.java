package dev.gatehouse.server.scim;

import org.jspecify.annotations.Nullable;

/**
 * A request SCIM refuses, answered in the SCIM error schema (RFC 7644 §3.12): the status, the
 * {@code scimType} for a 400 or 409 that has one, and a detail naming what is at fault.
 */
class ScimException extends RuntimeException {

    private final int status;
    private final @Nullable String scimType;

    ScimException(int status, @Nullable String scimType, String detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }

    static ScimException invalidFilter(String detail) {
        return new ScimException(400, "invalidFilter", detail);
    }

    static ScimException invalidValue(String detail) {
        return new ScimException(400, "invalidValue", detail);
    }

    static ScimException invalidSyntax(String detail) {
        return new ScimException(400, "invalidSyntax", detail);
    }

    static ScimException invalidPath(String detail) {
        return new ScimException(400, "invalidPath", detail);
    }

    static ScimException noTarget(String detail) {
        return new ScimException(400, "noTarget", detail);
    }

    static ScimException mutability(String detail) {
        return new ScimException(400, "mutability", detail);
    }

    static ScimException uniqueness(String detail) {
        return new ScimException(409, "uniqueness", detail);
    }

    static ScimException notFound(String what) {
        return new ScimException(404, null, what + " not found");
    }

    int status() {
        return status;
    }

    @Nullable String scimType() {
        return scimType;
    }
}
