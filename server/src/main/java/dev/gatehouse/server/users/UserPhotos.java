package dev.gatehouse.server.users;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A provider's profile photo (seed 000, "Creating a Provider"). Reading it is reading the user
 * ({@code users.read}); setting or removing it is editing the user, by the same guard as a PATCH
 * ({@code users.edit} wherever the user holds a role). Only PNG and JPEG up to {@link #MAX_BYTES} are
 * kept, and only when the bytes really are what the declared type says, because the photo is later
 * served back to browsers with that type. Each change and its audit event (type and size, never the
 * bytes) commit together.
 */
@Service
public class UserPhotos {

    /** The largest photo kept: 512 KB. */
    public static final int MAX_BYTES = 512 * 1024;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private final UserStore users;
    private final PhotoStore store;
    private final UserGuard guard;
    private final AuditLog audit;
    private final Clock clock;

    UserPhotos(UserStore users, PhotoStore store, UserGuard guard, AuditLog audit, Clock clock) {
        this.users = users;
        this.store = store;
        this.guard = guard;
        this.audit = audit;
        this.clock = clock;
    }

    /** The photo, or empty while the user has none. */
    @Transactional(readOnly = true)
    public Optional<UserPhoto> get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        readable(caller, tenant, id);
        return store.of(tenant.id(), id);
    }

    /** Whether the user has a photo, without reading it. */
    @Transactional(readOnly = true)
    public boolean present(Caller caller, TenantScope.Scoped tenant, UUID id) {
        readable(caller, tenant, id);
        return store.summary(tenant.id(), id).isPresent();
    }

    /**
     * Replaces the photo. {@code bytes} may be one byte longer than {@link #MAX_BYTES} (a caller that
     * stops reading there) and is then refused as too big.
     */
    @Transactional
    public void replace(Caller caller, TenantScope.Scoped tenant, UUID id, @Nullable String contentType, byte[] bytes,
            Origin origin) {
        UserAccount user = editable(caller, tenant, id);
        if (user.kind().equals("SERVICE")) {
            throw ApiException.conflict("user " + user.username() + " is a service account: an application has no"
                    + " photo (issue 12)");
        }
        String type = checked(contentType, bytes);
        store.save(tenant.id(), id, type, bytes, clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("contentType", type);
        details.put("size", bytes.length);
        audit.record(tenant.id(), "USER_PHOTO_CHANGED", guard.actor(caller),
                UserEvents.target(user.id(), user.username()), origin.ip(), origin.userAgent(), details);
    }

    /** Removes the photo; removing none is a no-op without an event. */
    @Transactional
    public void remove(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        UserAccount user = editable(caller, tenant, id);
        Optional<PhotoStore.Summary> stored = store.summary(tenant.id(), id);
        if (stored.isEmpty()) {
            return;
        }
        store.delete(tenant.id(), id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("contentType", stored.get().contentType());
        details.put("size", stored.get().size());
        audit.record(tenant.id(), "USER_PHOTO_REMOVED", guard.actor(caller),
                UserEvents.target(user.id(), user.username()), origin.ip(), origin.userAgent(), details);
    }

    /** The declared type, once the bytes are a PNG or JPEG of that type and not too big; else a 400 on {@code photo}. */
    static String checked(@Nullable String contentType, byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiException.badRequest("photo", "is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw ApiException.badRequest("photo", "must be at most 512 KB");
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        byte[] magic = switch (type) {
            case "image/png" -> PNG;
            case "image/jpeg" -> JPEG;
            default -> throw ApiException.badRequest("photo", "must be image/png or image/jpeg");
        };
        if (bytes.length < magic.length || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw ApiException.badRequest("photo", "is not a " + (magic == PNG ? "PNG" : "JPEG") + " image");
        }
        return type;
    }

    private void readable(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireReadAnywhere(caller, id);
        users.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.requireRead(caller, id);
    }

    private UserAccount editable(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = users.findForUpdate(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        return user;
    }
}
