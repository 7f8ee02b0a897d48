/**
 * Grant conditions in CEL (issue 13; docs/engine.md, "Conditions"): checked and bounded when a role
 * is saved, compiled once per policy version, evaluated for the engine over the resource, the
 * request's time in the tenant's zone, the client's address and the subject.
 */
@NullMarked
package dev.gatehouse.conditions;

import org.jspecify.annotations.NullMarked;
