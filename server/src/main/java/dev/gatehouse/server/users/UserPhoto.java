package dev.gatehouse.server.users;

import java.time.Instant;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A user's profile photo as stored: only PNG or JPEG, whose bytes were checked to be what their type says. */
public record UserPhoto(String contentType, byte[] bytes, Instant updatedAt) {

    /**
     * The photo as a response a browser shows but never sniffs, caches or treats as a download or a
     * page; the API and the console serve it the same way.
     */
    public ResponseEntity<byte[]> response() {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(contentType))
                .header("X-Content-Type-Options", "nosniff")
                .cacheControl(CacheControl.noStore().cachePrivate())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.inline().build().toString())
                .body(bytes);
    }
}
