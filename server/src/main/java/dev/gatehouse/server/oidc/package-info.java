/**
 * The OpenID Connect provider of every tenant (issue 12): the tenant's applications (OAuth
 * clients), Spring Authorization Server at {@code {publicUrl}/oauth2/{tenant}}, its signing keys,
 * and the access tokens it issues as a kind of bearer credential of the API.
 */
@NullMarked
package dev.gatehouse.server.oidc;

import org.jspecify.annotations.NullMarked;
