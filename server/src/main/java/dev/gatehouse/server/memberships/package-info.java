/**
 * One person in several organisations (issue 16, docs/organisations.md): memberships of a home account
 * in other tenants, accepted from an invitation, switched to with a session that never outlives the
 * home one, and left.
 */
@NullMarked
package dev.gatehouse.server.memberships;

import org.jspecify.annotations.NullMarked;
