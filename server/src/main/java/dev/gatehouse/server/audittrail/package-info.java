/**
 * Reading the audit trail (search, export, chain verification), applications' data-access events
 * and the retention purge. Apart from {@code audit}, which the other features write through, so
 * that these may ask the access engine without a package cycle.
 */
@NullMarked
package dev.gatehouse.server.audittrail;

import org.jspecify.annotations.NullMarked;
