/**
 * Identity providers per tenant (issue 15): the registry of OIDC, SAML and LDAP providers with their
 * domains, mappings and secrets sealed at rest, home-realm discovery, enforced single sign-on, and
 * the provisioning of the users who sign in through them (JIT, linking by verified e-mail with
 * consent, mapped roles). The protocols themselves ({@code oidcin}, {@code saml}, {@code ldap})
 * plug in through {@link dev.gatehouse.server.identityproviders.ProviderProtocol}.
 */
@NullMarked
package dev.gatehouse.server.identityproviders;

import org.jspecify.annotations.NullMarked;
