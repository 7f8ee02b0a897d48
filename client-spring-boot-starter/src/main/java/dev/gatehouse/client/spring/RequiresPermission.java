package dev.gatehouse.client.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The signed-in user needs a Gatehouse permission to call this method (or every method of this class), decided
 * before the call; a denial throws Spring Security's {@code AuthorizationDeniedException}, which the starter's
 * denial handler answers. The starter registers the interceptor itself: no {@code @EnableMethodSecurity} needed.
 *
 * <pre>{@code
 * @RequiresPermission(value = "patients.read", resourceType = "patient", resourceId = "#patientId", location = "#location")
 * Patient patient(String patientId, String location) { … }
 * }</pre>
 *
 * <p>{@link #resourceId} and {@link #location} are SpEL evaluated only to bind the method's arguments: the
 * arguments by name ({@code #patientId}, or {@code #p0}) and their properties ({@code #visit.patientId}); no bean
 * references, types or method calls. The permission is decided by Gatehouse, never by an expression.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface RequiresPermission {

    /** The permission key, as the tenant's catalog lists it ({@code patients.read}). */
    String value();

    /** The type of the resource the call acts on ({@code patient}); empty for none. */
    String resourceType() default "";

    /** The resource's id, bound from the arguments ({@code #patientId}); required with {@link #resourceType}. */
    String resourceId() default "";

    /** The location the call acts at, bound from the arguments ({@code #location}); empty for none. */
    String location() default "";
}
