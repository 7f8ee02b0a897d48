package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.console.ConsoleCsrfTokens;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The OpenID Connect sign-in pages' chain: public (the browser has no session yet), GET only, with
 * the console's CSRF tokens made for the pages the callback ends on (the second-factor and
 * link-consent forms post to the console), and the console's sign-in headers: no framing, no
 * inline script or style, no Referer (the callback's URL carries the code).
 */
@Configuration(proxyBeanMethods = false)
class OidcSignInSecurity {

    /** The console's sign-in policy (ConsoleSecurity): the callback's pages may lead on to an application. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; object-src 'none'";

    @Bean
    @Order(3)
    SecurityFilterChain externalOidcSignInChain(HttpSecurity http) throws Exception {
        XorCsrfTokenRequestAttributeHandler csrfTokens = new XorCsrfTokenRequestAttributeHandler();
        csrfTokens.setCsrfRequestAttributeName(null);
        return http
                .securityMatcher(OidcSignInController.BASE + "/**")
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.csrfTokenRepository(new ConsoleCsrfTokens()).csrfTokenRequestHandler(csrfTokens))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> {})
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.GET, OidcSignInController.BASE + "/**").permitAll()
                        .anyRequest().denyAll())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .cacheControl(cache -> {}))
                .build();
    }
}
