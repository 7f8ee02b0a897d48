/**
 * The platform operator: bootstrap on first start, the tenant administration around it, and the
 * only two ways an operator reaches a tenant's users, audited impersonation and break-glass.
 */
@NullMarked
package dev.gatehouse.server.platform;

import org.jspecify.annotations.NullMarked;
