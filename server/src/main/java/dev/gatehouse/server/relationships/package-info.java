/**
 * Relationships and care teams (issue 13; docs/access-model.md, "Relationship"): stored tuples
 * {@code subject relation object} with an optional expiry, which the engine reads to resolve the
 * {@code ASSIGNED} scope, and the care teams of seed 004 whose members and patients are such tuples.
 */
@NullMarked
package dev.gatehouse.server.relationships;

import org.jspecify.annotations.NullMarked;
