/** The guest principal: checks sent without credentials, answered for a tenant's GUEST role (seed 002 §2). */
@NullMarked
package dev.gatehouse.server.guests;

import org.jspecify.annotations.NullMarked;
