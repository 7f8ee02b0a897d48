package dev.gatehouse.server.edge;

import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Who may read {@code /actuator/prometheus} (the JVM, every endpoint's traffic, pool and queue
 * sizes): only a scraper presenting the operator's scrape token, {@code GATEHOUSE_METRICS_TOKEN},
 * as {@code Authorization: Bearer <token>}. A token rather than a signed-in operator, because a
 * scraper runs unattended and sessions expire; compared in constant time; unset, nobody may; wrong
 * ones throttled per address ({@link FailedScrapes}). A
 * filter chain of its own, ahead of the API's, so no session token — a tenant user's or an
 * operator's — reaches the metrics. Health stays open for supervisors and shows only UP or DOWN.
 */
@Configuration(proxyBeanMethods = false)
class MetricsAccess {

    static final int MIN_TOKEN_LENGTH = 32;
    static final String PATH = "/actuator/prometheus";

    @Bean
    @Order(2)
    SecurityFilterChain metrics(HttpSecurity http, @Value("${gatehouse.metrics.token:}") String token,
            Throttle throttle) throws Exception {
        if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException("GATEHOUSE_METRICS_TOKEN must be at least " + MIN_TOKEN_LENGTH
                    + " characters (for example: openssl rand -hex 32)");
        }
        byte[] expected = token.isEmpty() ? null : sha256(token);
        return http
                .securityMatcher(PATH, PATH + "/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new FailedScrapes(throttle, request -> expected != null && presents(request, expected)),
                        AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().access((authentication, context) ->
                        new AuthorizationDecision(expected != null && presents(context.getRequest(), expected))))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> refuse(request, response))
                        .accessDeniedHandler((request, response, e) -> refuse(request, response)))
                .headers(headers -> headers.cacheControl(cache -> {}))
                .build();
    }

    private static boolean presents(HttpServletRequest request, byte[] expected) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(header.substring(7).strip()), expected);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"gatehouse-metrics\"");
        response.setContentType(ErrorBodies.PROBLEM_JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ErrorBodies.problem(401, "Unauthorized",
                "metrics are for the operator's scraper: send Authorization: Bearer <GATEHOUSE_METRICS_TOKEN>",
                request.getRequestURI()));
    }

    /** Hashed before comparing, so the comparison's time says nothing about the token's length. */
    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
