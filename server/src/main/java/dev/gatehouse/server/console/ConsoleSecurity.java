package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.SessionResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The console's filter chain, beside the API's stateless one: the Gatehouse session comes from a
 * cookie, so every state-changing request needs a CSRF token; pages forbid inline script and style,
 * framing and caching. Without a live session a page bounces to sign-in (for htmx requests through
 * the {@code HX-Redirect} header, which htmx follows with a full page load).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    /** No inline script or style anywhere; data: images only for the TOTP QR code and Bootstrap's icons. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; object-src 'none'";

    /**
     * The sign-in and consent pages' policy: the same without {@code form-action}. Browsers apply form-action to every
     * redirect that follows a form's POST (CSP 3), and signing in to an application through the issuer's
     * authorize endpoint ends, after the password or second-factor POST, in a redirect to the application's
     * registered redirect URI on another origin, which {@code form-action 'self'} would block (ClinicAppBrowserIT
     * stopped on the second-factor page); the consent screen's answer goes the same way. These pages' forms post
     * only to Gatehouse itself.
     */
    static final String SIGN_IN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(" form-action 'self';", "");

    static final String SIGN_IN = "/console/sign-in";
    /**
     * Signing in through a SAML identity provider (issue 15): public, and in this chain so the pages it
     * ends on (second factor, link consent) carry the console's CSRF token and headers. OpenID Connect's
     * sign-in pages have their own chain (oidcin.OidcSignInSecurity, GET only).
     */
    static final String SSO = "/sso/saml/**";
    /**
     * SAML's assertion consumer takes a cross-site POST from the IdP, which cannot carry our CSRF token;
     * what protects it is the signed response answering a one-use request of ours (saml.SamlSignIns).
     */
    private static final RequestMatcher SAML_ACS = PathPatternRequestMatcher.withDefaults()
            .matcher(HttpMethod.POST, "/sso/saml/{tenant}/{provider}/acs");

    private static final String CSP = "Content-Security-Policy";
    /** The pages whose form's answer may redirect to an application: signing in, and the consent screen. */
    private static final RequestMatcher SIGN_IN_PAGES = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher(SIGN_IN),
            PathPatternRequestMatcher.withDefaults().matcher(SIGN_IN + "/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/console/consent"));

    /** Pages that answer without a session: signing in, and the one-use links of invitation and reset mails. */
    static final String[] PUBLIC = {SIGN_IN, SIGN_IN + "/**", "/console/invitation", "/console/reset-password",
        "/console/forgot-password", "/console/assets/**", "/webjars/**", SSO};

    @Bean
    @Order(1)
    SecurityFilterChain console(HttpSecurity http, SessionResolver sessions) throws Exception {
        XorCsrfTokenRequestAttributeHandler csrfTokens = new XorCsrfTokenRequestAttributeHandler();
        // Load the token on every request, before the response is committed, so a new pre-session
        // cookie is always written.
        csrfTokens.setCsrfRequestAttributeName(null);
        return http
                .securityMatcher("/console", "/console/**", "/webjars/**", SSO)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.csrfTokenRepository(new ConsoleCsrfTokens()).csrfTokenRequestHandler(csrfTokens)
                        .ignoringRequestMatchers(SAML_ACS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new ConsoleSessionFilter(sessions), CsrfFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR).permitAll()
                        .requestMatchers(PUBLIC).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> bounceToSignIn(request, response))
                        .accessDeniedHandler((request, response, e) -> {
                            // A refused CSRF token without a live session is a dead session's form.
                            if (ConsoleSessionFilter.liveToken(request) == null) {
                                bounceToSignIn(request, response);
                            } else {
                                request.getRequestDispatcher(ConsoleErrors.FORM_EXPIRED).forward(request, response);
                            }
                        }))
                .headers(headers -> headers
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(SIGN_IN_PAGES,
                                new StaticHeadersWriter(CSP, SIGN_IN_CONTENT_SECURITY_POLICY)))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(SIGN_IN_PAGES),
                                new StaticHeadersWriter(CSP, CONTENT_SECURITY_POLICY)))
                        .frameOptions(frame -> frame.deny())
                        // Also keeps the one-use tokens of invitation and reset links out of Referer headers.
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .cacheControl(cache -> {}))
                .build();
    }

    /**
     * To the sign-in page, saying the session ended when the request carried one; the reason
     * (expired, ended, locked) is not told, as it would say something about the account.
     */
    static void bounceToSignIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean hadSession = SessionCookie.read(request).isPresent();
        if (hadSession) {
            SessionCookie.clear(request, response);
        }
        SecurityContextHolder.clearContext();
        String target = SIGN_IN + (hadSession ? "?ended" : "");
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
        } else {
            response.sendRedirect(target);
        }
    }
}
