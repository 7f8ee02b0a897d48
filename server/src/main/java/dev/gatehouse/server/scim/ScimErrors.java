package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every failure of a SCIM endpoint in the SCIM error schema (RFC 7644 §3.12): {@code status} as a
 * string, a {@code scimType} where one applies, a detail; the users API's refusals (400 naming the
 * field, 403, 404, 409) are told the same way. Never a stack trace; a 500 only for our own fault.
 */
@RestControllerAdvice(assignableTypes = ScimController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ScimErrors {

    static final String SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);

    @ExceptionHandler(ScimException.class)
    ResponseEntity<JsonNode> scim(ScimException e) {
        return answer(e.status(), e.scimType(), e.getMessage());
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<JsonNode> api(ApiException e) {
        String scimType = switch (e.status()) {
            case BAD_REQUEST -> "invalidValue";
            default -> null;
        };
        ResponseEntity<JsonNode> answer = answer(e.status().value(), scimType, e.getMessage());
        if (e instanceof TooManyRequests throttled) {
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header("Retry-After", Long.toString(throttled.retryAfterSeconds())).body(answer.getBody());
        }
        return answer;
    }

    /** Two requests creating one name at once: the unique index decides, and the loser is told so. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<JsonNode> integrity(DataIntegrityViolationException e) {
        log.info("Integrity violation on a SCIM request: {}", e.getMostSpecificCause().getMessage());
        return answer(409, "uniqueness", "the change conflicts with a resource made meanwhile");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<JsonNode> unreadable(HttpMessageNotReadableException e) {
        return answer(400, "invalidSyntax", "the body is not a JSON document");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<JsonNode> mismatch(MethodArgumentTypeMismatchException e) {
        return answer(400, "invalidValue", e.getName() + " must be a number");
    }

    @ExceptionHandler(Exception.class)
    @Nullable ResponseEntity<JsonNode> unexpected(Exception e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            return null;
        }
        if (e instanceof ErrorResponse refusal && refusal.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(refusal.getStatusCode().value());
            return answer(status.value(), null, refusal.getBody().getDetail() == null ? status.getReasonPhrase()
                    : refusal.getBody().getDetail());
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return answer(500, null, "something went wrong on our side; it has been logged");
    }

    static ObjectNode body(int status, @Nullable String scimType, @Nullable String detail) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("schemas").add(SCHEMA);
        body.put("status", Integer.toString(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", detail == null ? HttpStatus.valueOf(status).getReasonPhrase() : detail);
        return body;
    }

    private static ResponseEntity<JsonNode> answer(int status, @Nullable String scimType, @Nullable String detail) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(ScimController.SCIM);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"scim\"");
        }
        return builder.body(body(status, scimType, detail));
    }
}
