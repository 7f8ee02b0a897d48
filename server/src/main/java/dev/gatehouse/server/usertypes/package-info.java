/** User types (seed 003): a tenant-defined attribute of a user that grants base roles and makes agents. */
@NullMarked
package dev.gatehouse.server.usertypes;

import org.jspecify.annotations.NullMarked;
