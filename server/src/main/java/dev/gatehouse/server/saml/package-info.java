/**
 * SAML 2.0 sign-in (issue 15): Gatehouse as a service provider of a tenant's identity provider, with
 * OneLogin's java-saml — SP metadata, AuthnRequests, and the assertion consumer that validates a
 * response (signature, audience, recipient, times, InResponseTo, replay) before the console completes
 * the sign-in. Nothing here fetches a URL itself: IdP metadata comes through {@code outbound}.
 */
@NullMarked
package dev.gatehouse.server.saml;

import org.jspecify.annotations.NullMarked;
