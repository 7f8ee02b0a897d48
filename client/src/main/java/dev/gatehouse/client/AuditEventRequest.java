package dev.gatehouse.client;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An application's own audit event (the audit API's {@code POST …/audit/events}, seed 000: who accessed
 * which record and when): an UPPER_SNAKE {@code action} of the application's (never one of Gatehouse's own),
 * the {@code user} who acted (id or username), the record acted on and free {@code details}.
 */
public record AuditEventRequest(String action, String user, Target resource, @Nullable Map<String, Object> details) {

    public AuditEventRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(resource, "resource");
        details = details == null ? null : Map.copyOf(details);
    }

    /** {@code PATIENT_RECORD_VIEWED} by {@code user} of {@code type} {@code id}. */
    public static AuditEventRequest of(String action, String user, String type, String id) {
        return new AuditEventRequest(action, user, new Target(type, id, null), null);
    }

    public AuditEventRequest at(String location) {
        return new AuditEventRequest(action, user, new Target(resource.type(), resource.id(), location), details);
    }

    public AuditEventRequest details(Map<String, Object> newDetails) {
        return new AuditEventRequest(action, user, resource, newDetails);
    }

    /** The record acted on, and where it is kept. */
    public record Target(String type, String id, @Nullable String location) {}
}
