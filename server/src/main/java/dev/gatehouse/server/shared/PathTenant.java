package dev.gatehouse.server.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A controller's {@link TenantId} parameter that is the path's {@code {tenant}} (slug or id),
 * resolved by {@link TenantPaths#own} for the signed-in caller: the caller's own tenant, 404
 * for any other and for platform operators. Declare it after a request body, so a malformed
 * body is still answered 400 before the tenant is looked up.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PathTenant {}
