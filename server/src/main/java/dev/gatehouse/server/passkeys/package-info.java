/**
 * Passkeys (WebAuthn, issue 15): a user registers several, names and removes them; a passkey is a
 * second factor after the password, and a passwordless sign-in where the tenant allows it
 * ({@code mfaPolicy.passwordless}). The ceremonies are webauthn4j's, through Spring Security's
 * WebAuthn module; this package keeps the credentials and the one-use challenges.
 */
@NullMarked
package dev.gatehouse.server.passkeys;

import org.jspecify.annotations.NullMarked;
