/**
 * API keys (issue 12; docs/api.md, "Applications"): long-lived bearer credentials of a user or a
 * service account, narrowed to scopes and locations, rotated, expiring, revoked at once on every
 * node, rate-limited per key, with their use counted in the background.
 */
@NullMarked
package dev.gatehouse.server.apikeys;

import org.jspecify.annotations.NullMarked;
