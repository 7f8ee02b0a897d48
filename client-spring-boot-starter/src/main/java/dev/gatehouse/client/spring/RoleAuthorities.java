package dev.gatehouse.client.spring;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The roles a Gatehouse token says its user held when it was issued ({@code roles: [{role, location?}]}, in
 * access and ID tokens alike) as Spring Security authorities: {@code ROLE_provider} for the role anywhere it is
 * held, {@code ROLE_provider@<location>} where it is held at a location, and {@code LOCATION_<location>} for each
 * location the user holds any role at. They say what the token said at issue, for {@code hasRole} rules and
 * display; permissions are decided by Gatehouse, fresh ({@link Gatehouse}).
 */
final class RoleAuthorities {

    /** The claim Gatehouse's token customizer writes the held roles to. */
    static final String CLAIM = "roles";

    private RoleAuthorities() {}

    static Collection<GrantedAuthority> of(@Nullable Object claim) {
        Set<GrantedAuthority> authorities = new LinkedHashSet<>();
        if (!(claim instanceof Collection<?> held)) {
            return authorities;
        }
        for (Object each : held) {
            if (each instanceof Map<?, ?> entry && entry.get("role") instanceof String role && !role.isBlank()) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
                if (entry.get("location") instanceof String location && !location.isBlank()) {
                    authorities.add(new SimpleGrantedAuthority("ROLE_" + role + "@" + location));
                    authorities.add(new SimpleGrantedAuthority("LOCATION_" + location));
                }
            }
        }
        return authorities;
    }
}
