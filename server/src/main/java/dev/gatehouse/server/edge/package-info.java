/**
 * The HTTP edge no feature owns: security headers on every API response, problem documents for
 * errors that never reach a controller, strict JSON reading, and who may scrape the metrics.
 */
@NullMarked
package dev.gatehouse.server.edge;

import org.jspecify.annotations.NullMarked;
