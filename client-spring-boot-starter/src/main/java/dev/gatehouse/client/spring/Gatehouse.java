package dev.gatehouse.client.spring;

import dev.gatehouse.client.CheckResult;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.client.NotFoundException;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Gatehouse's decisions for the signed-in user, in the forms Spring applications write them: a route rule
 * ({@code .access(gatehouse.permission("patients.read"))}), and, as the bean {@code gatehouse}, a view
 * expression ({@code ${@gatehouse.can('patients.write')}}). Method annotations ({@link RequiresPermission})
 * decide through it too.
 *
 * <p>The signed-in user is {@link Authentication#getName()}: the {@code sub} of a Gatehouse access token (the
 * starter's JWT converter names the principal by it) or of an OpenID Connect sign-in (Spring Security's default
 * name attribute for OIDC), which is the user's id; Gatehouse also accepts a username, so an application signing
 * people in otherwise asks about the name it knows them by.
 *
 * <p>Every failure to decide is a deny that says why, never an error page: a user the tenant does not have, or
 * Gatehouse unreachable while decisions are not local.
 */
public class Gatehouse {

    /** A denial's code when nobody is signed in: Spring Security then asks them to sign in. */
    static final String NOT_SIGNED_IN = "NOT_SIGNED_IN";
    static final String RESOURCE_NOT_GIVEN = "RESOURCE_NOT_GIVEN";
    static final String UNKNOWN_USER = "UNKNOWN_USER";
    static final String GATEHOUSE_UNAVAILABLE = "GATEHOUSE_UNAVAILABLE";

    private static final System.Logger LOG = System.getLogger(Gatehouse.class.getName());

    private final DecisionSource decisions;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public Gatehouse(DecisionSource decisions) {
        this.decisions = decisions;
    }

    /** A route rule: the signed-in user needs {@code permission}; narrow it to a resource or location of the request. */
    public RequestPermission permission(String permission) {
        return new RequestPermission(this, permission, null, null, null);
    }

    /** May the signed-in user do {@code permission} (anywhere they hold it)? For views: false for nobody signed in. */
    public boolean can(String permission) {
        return can(permission, null, null, null);
    }

    /**
     * May the signed-in user do {@code permission} on the resource {@code resourceType}/{@code resourceId} at
     * {@code location}? Any of the three may be null; ids are written as text ({@code 123}, a UUID).
     */
    public boolean can(String permission, @Nullable String resourceType, @Nullable Object resourceId, @Nullable Object location) {
        PermissionQuestion question = new PermissionQuestion(permission, resourceType, text(resourceId), text(location));
        return decide(contexts.getContext().getAuthentication(), question).granted();
    }

    /** The decision for whoever {@code authentication} is; never throws for a decision Gatehouse could not make. */
    PermissionDecision decide(@Nullable Authentication authentication, PermissionQuestion question) {
        String user = userOf(authentication);
        if (user == null) {
            return PermissionDecision.denied(question, null, NOT_SIGNED_IN, "Nobody is signed in.");
        }
        if (question.missingResource()) {
            return PermissionDecision.denied(question, user, RESOURCE_NOT_GIVEN,
                    "The request did not say which " + question.resourceType() + " it is about.");
        }
        try {
            CheckResult result = decisions.decide(question.checkFor(user));
            return PermissionDecision.of(question, user, result.allowed(), result.code(), result.explanation());
        } catch (NotFoundException unknown) {
            return PermissionDecision.denied(question, user, UNKNOWN_USER, "Gatehouse does not know " + user + " in this organisation.");
        } catch (GatehouseException failed) {
            LOG.log(Level.WARNING, "Gatehouse could not decide " + question.describe() + " for " + user + ": " + failed.getMessage());
            return PermissionDecision.denied(question, user, GATEHOUSE_UNAVAILABLE,
                    "Gatehouse could not be asked just now, so the request was refused to be safe.");
        }
    }

    private static @Nullable String userOf(@Nullable Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated() || authentication instanceof AnonymousAuthenticationToken) {
            return null;
        }
        return authentication.getName();
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }
}
