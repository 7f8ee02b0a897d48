/**
 * The one way out: every URL Gatehouse calls (alert webhooks; identity providers and logout URLs
 * later) is checked, resolved once and called through here, pinned to the addresses checked.
 */
@NullMarked
package dev.gatehouse.server.outbound;

import org.jspecify.annotations.NullMarked;
