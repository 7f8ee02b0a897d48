package dev.gatehouse.server.identityproviders;

/** The protocol a provider speaks; each has one {@link ProviderProtocol} bean. */
public enum ProviderKind { OIDC, SAML, LDAP }
