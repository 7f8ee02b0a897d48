/**
 * Reading the audit trail (search, export, chain verification) and applications' data-access
 * events. Apart from {@code audit}, which the other features write through, so that reading may
 * ask the access engine without a package cycle.
 */
@NullMarked
package dev.gatehouse.server.audittrail;

import org.jspecify.annotations.NullMarked;
