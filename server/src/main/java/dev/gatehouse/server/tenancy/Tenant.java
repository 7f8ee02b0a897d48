package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A tenant: a clinic, company or account. */
public record Tenant(TenantId id, String slug, String name, String pack, @Nullable TenantId parent, String status,
        Instant createdAt) {}
