package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A signed-in {@link Caller} as Spring Security's authentication, for the API's bearer tokens and
 * the console's cookie; it carries no authorities because the engine decides what a caller may do.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(List.of());
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }
}
