package dev.gatehouse.client.spring;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;

/**
 * For an application that signs people in through Gatehouse ({@code oauth2Login}): the roles their ID token
 * says they held become the same authorities as a resource server's ({@link RoleAuthorities}), through the
 * {@link GrantedAuthoritiesMapper} Spring Security's login picks up from the context.
 */
@AutoConfiguration(after = GatehouseAutoConfiguration.class)
@ConditionalOnClass(OidcUserAuthority.class)
@ConditionalOnProperty(prefix = "gatehouse", name = "url")
public class GatehouseLoginAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(GrantedAuthoritiesMapper.class)
    GrantedAuthoritiesMapper gatehouseRoleAuthorities() {
        return GatehouseLoginAutoConfiguration::withRoles;
    }

    static Collection<GrantedAuthority> withRoles(Collection<? extends GrantedAuthority> given) {
        Set<GrantedAuthority> authorities = new LinkedHashSet<>(given);
        for (GrantedAuthority authority : given) {
            if (authority instanceof OidcUserAuthority signedIn) {
                authorities.addAll(RoleAuthorities.of(signedIn.getIdToken().getClaims().get(RoleAuthorities.CLAIM)));
            }
        }
        return authorities;
    }
}
