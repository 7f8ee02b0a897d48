package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.util.Optional;
import java.util.UUID;

/**
 * A directory that vouches for the passwords of the accounts it holds (issue 15: LDAP bind). The
 * password step asks it instead of the local hash; a wrong answer counts toward the lockout as any
 * wrong password does, and a directory that cannot be reached refuses. Any number of beans.
 */
public interface DirectoryPasswords {

    /** Empty when the account is not this directory's; else whether the directory accepted the password. */
    Optional<Boolean> verify(TenantId tenant, UUID userId, String username, String password);
}
