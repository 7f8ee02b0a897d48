package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audittrail.AuditQueries;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Reads the fields reports show from an event, an absent one as the empty cell. */
final class EventFields {

    private EventFields() {}

    static String detail(AuditQueries.Event event, String... path) {
        JsonNode node = event.details();
        for (String name : path) {
            node = node.path(name);
        }
        return node.isMissingNode() || node.isNull() ? "" : node.isValueNode() ? node.asString() : node.toString();
    }

    static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    static String user(AuditQueries.Event event) {
        return text(event.actor().username());
    }

    static String userId(AuditQueries.Event event) {
        return text(event.actor().id());
    }

    static String targetType(AuditQueries.Event event) {
        return event.target() == null ? "" : text(event.target().type());
    }

    static String targetId(AuditQueries.Event event) {
        return event.target() == null ? "" : text(event.target().id());
    }
}
