/** Permission catalogs, roles, assignments, and the bridge that compiles profiles and asks the engine. */
@NullMarked
package dev.gatehouse.server.access;

import org.jspecify.annotations.NullMarked;
