package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST …/users/import} (docs/api.md, "Bulk import"; docs/user-import.md). */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users/import")
class UserImportController {

    private final UserImport imports;

    UserImportController(UserImport imports) {
        this.imports = imports;
    }

    /**
     * The body is read as a stream, not bound: {@code text/csv} with the header
     * {@code username,firstName,lastName,email,phone,kind,roles}, or {@code application/x-ndjson},
     * one user object of {@code POST …/users} per line.
     */
    @PostMapping
    ResponseEntity<?> run(@AuthenticationPrincipal Caller caller,
            HttpServletRequest request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) throws IOException {
        UserImport.Format format = format(request.getContentType());
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        try {
            return ResponseEntity.ok(imports.run(caller, scoped, format, request.getInputStream(), origin));
        } catch (UserImport.Interrupted e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
            problem.setTitle(e.status() == HttpStatus.CONTENT_TOO_LARGE ? "Line too long" : "Malformed import body");
            problem.setType(URI.create("about:blank"));
            problem.setProperty("errors", List.of(new FieldError("line " + e.line(), e.getMessage())));
            problem.setProperty("imported", e.written().imported());
            problem.setProperty("batches", e.written().batches());
            problem.setProperty("failed", e.written().failed());
            return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
    }

    static UserImport.Format format(@org.jspecify.annotations.Nullable String contentType) {
        if (contentType != null) {
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                if (type.isWildcardType() || type.isWildcardSubtype()) {
                    throw new org.springframework.util.InvalidMimeTypeException(contentType, "names no format");
                }
                if (type.isCompatibleWith(MediaType.parseMediaType("text/csv"))) {
                    return UserImport.Format.CSV;
                }
                if (type.isCompatibleWith(MediaType.APPLICATION_NDJSON)) {
                    return UserImport.Format.NDJSON;
                }
            } catch (org.springframework.util.InvalidMimeTypeException e) {
                // answered below as any other type
            }
        }
        throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                "send text/csv or application/x-ndjson", List.of());
    }
}
