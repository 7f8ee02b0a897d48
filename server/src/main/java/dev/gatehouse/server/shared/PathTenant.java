package dev.gatehouse.server.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A controller's parameter that is the path's {@code {tenant}} (slug or id), resolved once at the
 * edge ({@link PathTenants}) for the signed-in caller as the path's {@link For} says: a
 * {@link TenantId}, or a {@link TenantPaths.TenantRef} when the controller needs the tenant's slug,
 * pack or name too. Declare it after a request body, so a malformed body is still answered 400
 * before the tenant is looked up. A path open to anonymous callers ({@link For#GUEST},
 * {@link For#SIGN_IN}) takes a {@link DoorTenant} instead ({@link OpenTenants}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PathTenant {

    For value() default For.MEMBER;

    /** Who the path is for, and so which tenants its {@code {tenant}} may name. */
    enum For {
        /** A tenant's signed-in user: their own tenant ({@link TenantPaths#own}), 404 for any other and for operators. */
        MEMBER,
        /** An audit trail: a member's own tenant, and the platform's own trail for operators ({@link TenantPaths#trailOf}). */
        TRAIL,
        /** What a platform operator does in a tenant: any tenant for operators, a member's own ({@link TenantPaths#actedInBy}). */
        OPERATOR,
        /**
         * A person's other organisation (issue 16): their home one or one they hold a membership of
         * ({@link TenantPaths#membershipOf}), a {@link TenantPaths.TenantRef}; 404 alike for any other.
         */
        MEMBERSHIP,
        /**
         * The guest check, anonymous (seed 002 §2): an active tenant, by slug (in any case) or id
         * ({@link OpenTenants#bySlugOrId}); the door answers every other as it answers one that does not exist.
         */
        GUEST,
        /**
         * A sign-in door open to anyone (an identity provider's start, callback or SAML endpoint): an active
         * tenant by its slug, in any case ({@link OpenTenants#bySlug}); the door may ask whether the slug names
         * a suspended tenant, to say so; an id names nothing.
         */
        SIGN_IN
    }
}
