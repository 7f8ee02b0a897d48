/**
 * Temporary access (issue 13; docs/api.md, "Temporary access"): roles lent by their holder for a
 * window ("Acting Manager", seed 000), and elevations a person asks for and someone else who may
 * grant the role approves (separation of duties, seed 000), lasting minutes or one use. Each gives
 * its access as an assignment made through {@code access.Assignments}; the engine keeps a lent role
 * within what its lender holds and ends every window by itself.
 */
@NullMarked
package dev.gatehouse.server.temporaryaccess;

import org.jspecify.annotations.NullMarked;
