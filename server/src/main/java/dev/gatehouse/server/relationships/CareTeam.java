package dev.gatehouse.server.relationships;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A care team (seed 004): a named group of clinicians, optionally at a location; separate from roles. */
public record CareTeam(UUID id, String name, @Nullable UUID location, Instant createdAt, Instant updatedAt) {}
