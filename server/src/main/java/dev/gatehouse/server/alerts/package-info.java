/** Audit alerts: per-tenant rules evaluated over committed audit events, delivered by e-mail and a signed webhook. */
@NullMarked
package dev.gatehouse.server.alerts;

import org.jspecify.annotations.NullMarked;
