/** Platform overrides: an operator's time-boxed, audited elevation to a tenant's admin role (seed 002 §3.2). */
@NullMarked
package dev.gatehouse.server.overrides;

import org.jspecify.annotations.NullMarked;
