package dev.gatehouse.server.shared;

/**
 * Whether a signed-in person holds an account in a tenant: their home organisation's, or a member
 * account of another organisation (issue 16; {@code memberships.Memberships} answers). An interface
 * here so that {@link TenantPaths} can resolve a membership path's {@code {tenant}} without
 * depending on the memberships package.
 */
public interface MembershipReach {

    /**
     * @return whether {@code tenant} is the home organisation of the person {@code caller} is, or one
     *     they hold a membership of (in any status: the memberships service tells them which)
     */
    boolean holdsAccountIn(Caller caller, TenantId tenant);
}
