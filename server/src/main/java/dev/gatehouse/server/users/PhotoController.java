package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's profile photo (our extension of docs/api.md, "Users"): PUT the raw PNG or JPEG with its
 * Content-Type, GET it back with that type, DELETE it. The body is read up to one byte past the
 * limit only, so an oversized upload costs no more than the limit.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users/{id}/photo")
class PhotoController {

    private final UserPhotos photos;

    PhotoController(UserPhotos photos) {
        this.photos = photos;
    }

    @GetMapping
    ResponseEntity<byte[]> get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @PathTenant TenantPaths.TenantRef tenant) {
        return photos.get(caller, TenantScope.of(tenant), id).map(UserPhoto::response)
                .orElseThrow(() -> ApiException.notFound("photo of user " + id));
    }

    @PutMapping
    ResponseEntity<Void> replace(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, HttpServletRequest http, @PathTenant TenantPaths.TenantRef tenant)
            throws IOException {
        byte[] bytes;
        try (InputStream body = http.getInputStream()) {
            bytes = body.readNBytes(UserPhotos.MAX_BYTES + 1);
        }
        photos.replace(caller, TenantScope.of(tenant), id, http.getContentType(), bytes,
                origin);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        photos.remove(caller, TenantScope.of(tenant), id, origin);
        return ResponseEntity.noContent().build();
    }
}
