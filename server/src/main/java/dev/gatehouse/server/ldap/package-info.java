/**
 * LDAP and Active Directory: a tenant's directory synced into its users (created, updated, disabled,
 * groups mapped to roles) on a schedule and on demand, and password sign-in checked by a bind as the
 * person (issue 15; docs/security.md, "Directory sync (LDAP / Active Directory)").
 */
@NullMarked
package dev.gatehouse.server.ldap;

import org.jspecify.annotations.NullMarked;
