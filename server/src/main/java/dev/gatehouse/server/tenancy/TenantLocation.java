package dev.gatehouse.server.tenancy;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A site of a tenant, optionally inside a parent location (docs/access-model.md, "Location"). */
public record TenantLocation(UUID id, String name, @Nullable UUID parent, Instant createdAt) {}
