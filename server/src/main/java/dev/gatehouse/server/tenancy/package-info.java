/** Tenants, their settings and locations. */
@NullMarked
package dev.gatehouse.server.tenancy;

import org.jspecify.annotations.NullMarked;
