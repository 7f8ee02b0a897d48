/**
 * Signing in through a tenant's external OpenID Connect providers (issue 15): Entra ID, Okta, Google
 * Workspace and any generic provider, with Spring Security's OAuth 2.0 client (registrations built at
 * run time from the {@code identityproviders} registry, PKCE, nonce, ID token validation), every call
 * out through {@code outbound}, and signing out at the provider when the console session ends.
 */
@NullMarked
package dev.gatehouse.server.oidcin;

import org.jspecify.annotations.NullMarked;
