/** The platform operator: bootstrap on first start and the tenant administration around it. */
@NullMarked
package dev.gatehouse.server.platform;

import org.jspecify.annotations.NullMarked;
