package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.web.ErrorResponse;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.DatabindException;

/**
 * Every failure becomes an RFC 9457 problem document. Bad input is a 400 naming the field, never a
 * 500 and never a stack trace (docs/api.md).
 */
@RestControllerAdvice
public class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> answer = problem(e.status(), e.title(), e.getMessage(), e.errors(), request);
        if (e instanceof TooManyRequests throttled) {
            // RFC 9110 §10.2.3: how long to wait, in seconds.
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header("Retry-After", Long.toString(throttled.retryAfterSeconds())).body(answer.getBody());
        }
        return answer;
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e, HttpServletRequest request) {
        List<FieldError> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldError(f.getField(), f.getDefaultMessage() == null ? "is invalid" : f.getDefaultMessage()))
                .toList();
        return badRequest(errors, request);
    }

    /** Spring MVC's own validation of method parameters (@Min on a query parameter, @Valid bodies). */
    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> methodValidation(HandlerMethodValidationException e, HttpServletRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors parameterErrors) {
                parameterErrors.getFieldErrors().forEach(f -> errors.add(new FieldError(f.getField(),
                        f.getDefaultMessage() == null ? "is invalid" : f.getDefaultMessage())));
            } else {
                String name = result.getMethodParameter().getParameterName();
                result.getResolvableErrors().forEach(error -> errors.add(new FieldError(name == null ? "parameter" : name,
                        error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage())));
            }
        }
        return badRequest(errors, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e, HttpServletRequest request) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return badRequest(errors, request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown && !unknown.getPath().isEmpty()) {
            return badRequest(List.of(new FieldError(fieldOf(unknown), "is not a field of this request")), request);
        }
        if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            return badRequest(List.of(new FieldError(fieldOf(databind), "has the wrong type or format")), request);
        }
        String duplicate = cause instanceof StreamReadException read ? duplicateKey(read) : null;
        if (duplicate != null) {
            return badRequest(List.of(new FieldError(duplicate, "is given more than once")), request);
        }
        if (cause instanceof JacksonException) {
            return badRequest(List.of(new FieldError("body", "is not valid JSON")), request);
        }
        return badRequest(List.of(new FieldError("body", "is missing or unreadable")), request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return badRequest(List.of(new FieldError(e.getName(), "has the wrong type or format")), request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return badRequest(List.of(new FieldError(e.getParameterName(), "is required")), request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "send application/json",
                List.of(), request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed", e.getMessage(), List.of(), request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "Not found", "no such endpoint", List.of(), request);
    }

    /** A unique index caught a duplicate that a check raced past: a conflict, not a crash. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        log.info("Integrity violation on {}: {}", request.getRequestURI(), e.getMostSpecificCause().getMessage());
        return problem(HttpStatus.CONFLICT, "Conflict", "the change conflicts with existing data", List.of(), request);
    }

    /**
     * Anything else is our fault: a 500, logged with its stack trace. Except a client that went away
     * mid-answer (a download's tab closed, a scraper's timeout): nothing is wrong here and nobody is
     * left to answer, so it is noted at debug and the request ends.
     */
    @ExceptionHandler(Exception.class)
    @Nullable ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            log.debug("Client went away during {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            return null;
        }
        // Spring's own refusals (406 not acceptable, a missing header, an upload too large) carry their status.
        if (e instanceof ErrorResponse refusal && refusal.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(refusal.getStatusCode().value());
            return problem(status, status.getReasonPhrase(), refusal.getBody().getDetail() == null
                    ? status.getReasonPhrase() : refusal.getBody().getDetail(), List.of(), request);
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "something went wrong on our side; it has been logged", List.of(), request);
    }

    private static ResponseEntity<ProblemDetail> badRequest(List<FieldError> errors, HttpServletRequest request) {
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, errors, request);
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
            List<FieldError> errors, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("https://gatehouse.dev/problems/" + status.value()));
        problem.setInstance(URI.create(request.getRequestURI()));
        if (!errors.isEmpty()) {
            problem.setProperty("errors", new ArrayList<>(errors));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static String fieldOf(DatabindException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"([^\"]*)\"");

    /**
     * The key a body gives twice (StreamReadFeature.STRICT_DUPLICATE_DETECTION), with the path of the
     * object holding it ("webhook.url"), or null when the failure is another.
     */
    public static @Nullable String duplicateKey(StreamReadException e) {
        Matcher matcher = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (!matcher.find()) {
            return null;
        }
        String name = matcher.group(1);
        if (e.processor() instanceof JsonParser parser && parser.streamReadContext() != null
                && parser.streamReadContext().getParent() != null) {
            String parent = parser.streamReadContext().getParent().pathAsPointer().toString();
            if (!parent.isEmpty()) {
                return parent.substring(1).replace('/', '.') + "." + name;
            }
        }
        return name;
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
