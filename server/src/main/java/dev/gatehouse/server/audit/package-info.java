/** The audit trail: one event per change, written in the change's transaction. */
@NullMarked
package dev.gatehouse.server.audit;

import org.jspecify.annotations.NullMarked;
