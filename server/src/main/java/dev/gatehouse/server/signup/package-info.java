/**
 * Issue 16: who may join a tenant on their own, and who decides. Domain mappings ({@code *.clinic.org}
 * → this tenant or a child, with a role and a location, at once or through approval), a tenant's open
 * registration ({@code registration} settings), and the approval queue of registrations and of
 * members' requests for a requestable role (seed 002's providers). Accounts are made by
 * {@code users.SelfRegistration}; this package answers its {@code users.RegistrationDesk}.
 */
@NullMarked
package dev.gatehouse.server.signup;

import org.jspecify.annotations.NullMarked;
