package dev.gatehouse.server.authentication;

import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's filter chain: bearer tokens only, no cookies, so no CSRF; every endpoint but sign-in,
 * health and the API description needs a signed-in caller. What a caller may do is the engine's
 * decision, made in the feature services.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * No Micrometer observation around each security filter: under the check API's load those spans
     * took a fifth of the request threads' profile samples, and turning them off saved about an
     * eighth of the server's CPU per check (docs/benchmarks.md). Requests are still timed as a whole
     * by {@code http.server.requests}.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, BearerAuthentication bearer, Throttle throttle) throws Exception {
        return http
                .securityMatcher("/api/**", "/actuator/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html",
                        // SCIM (issue 15): an API key of the tenant; the scim package refuses every other caller.
                        "/scim/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new BearerTokenFilter(bearer, throttle), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        // An async dispatch continues a request this chain authorized when it came in (the change
                        // stream's end, issue 14); its caller is not in the new dispatch's security context.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/api/v1/auth/login", "/api/v1/auth/mfa", "/api/v1/auth/mfa/email",
                                "/api/v1/auth/tokens/accept", "/api/v1/auth/password/forgot", "/api/v1/auth/register",
                                "/api/v1/auth/discover")
                        .permitAll()
                        // Issue 15: passkey sign-in and second step (package passkeys).
                        .requestMatchers("/api/v1/auth/passkey", "/api/v1/auth/passkey/options", "/api/v1/auth/mfa/passkey",
                                "/api/v1/auth/mfa/passkey/options").permitAll()
                        // /actuator/prometheus has its own chain and token (edge.MetricsAccess).
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        // Seed 002 §2 (issue 16): a check without credentials reaches the check API, which answers it
                        // for the tenant's guest where the tenant lets guests in and is a 401 elsewhere. A request
                        // that presents a credential is authenticated as before, so a bad token is still a 401 here.
                        .requestMatchers(SecurityConfiguration::anonymousCheck).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> write(response, HttpStatus.UNAUTHORIZED,
                                "Unauthorized", "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
                                request.getRequestURI()))
                        .accessDeniedHandler((request, response, e) -> write(response, HttpStatus.FORBIDDEN, "Forbidden",
                                "not allowed", request.getRequestURI())))
                .headers(headers -> headers.cacheControl(cache -> {}))
                .build();
    }

    /** A check or batch of checks ({@code access.CheckController}) that presents no credential at all. */
    static boolean anonymousCheck(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && request.getHeader("Authorization") == null
                && CHECK_PATH.matcher(request.getRequestURI()).matches();
    }

    private static final Pattern CHECK_PATH = Pattern.compile("/api/v1/tenants/[^/;%]+/check(/batch)?");

    private void write(jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String title, String detail,
            String uri) throws IOException {
        if (uri.startsWith("/scim/")) {
            // RFC 7644 §3.12: SCIM clients read errors in the SCIM error schema.
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("schemas", java.util.List.of("urn:ietf:params:scim:api:messages:2.0:Error"));
            error.put("status", Integer.toString(status.value()));
            error.put("detail", status == HttpStatus.UNAUTHORIZED
                    ? "SCIM takes an API key of the tenant holding scim.provision: send Authorization: Bearer ghk_..." : detail);
            response.setStatus(status.value());
            if (status == HttpStatus.UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"scim\"");
            }
            response.setContentType("application/scim+json");
            response.getWriter().write(json.writeValueAsString(error));
            return;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://gatehouse.dev/problems/" + status.value());
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", uri);
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.getWriter().write(json.writeValueAsString(problem));
    }
}
