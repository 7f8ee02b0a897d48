/**
 * The audit trail's HTTP API. It sits beside {@code audit} rather than in it because it asks
 * {@code access} for permissions, and {@code access} records its own events through {@code audit}:
 * kept apart, the feature packages stay free of cycles (ArchitectureTest).
 */
@NullMarked
package dev.gatehouse.server.auditapi;

import org.jspecify.annotations.NullMarked;
