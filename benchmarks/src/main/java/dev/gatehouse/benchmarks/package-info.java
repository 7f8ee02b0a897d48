/**
 * Measures the decision engine on a generated tenant, against jCasbin holding the same policy.
 *
 * <p>Run as described in docs/benchmarks.md; nothing here ships with Gatehouse.
 */
@NullMarked
package dev.gatehouse.benchmarks;

import org.jspecify.annotations.NullMarked;
