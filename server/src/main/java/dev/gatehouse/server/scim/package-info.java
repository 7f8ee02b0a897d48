/**
 * The SCIM 2.0 server (RFC 7643, RFC 7644; issue 15): Entra ID, Okta and other identity systems
 * provision a tenant's people and groups at {@code /scim/v2/{tenant}/…} with an API key holding
 * {@code scim.provision}; groups map to roles, given as assignments of source SCIM.
 */
@NullMarked
package dev.gatehouse.server.scim;

import org.jspecify.annotations.NullMarked;
