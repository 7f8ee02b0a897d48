package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Which tenant's provider a request under {@code /oauth2/{tenant}/…} reaches, and its issuer
 * {@code {publicUrl}/oauth2/{slug}}. Spring Authorization Server would derive the issuer from the
 * request's own URL (the Host header is the caller's to write, and a slug containing an endpoint's
 * name would be cut); this filter runs after its context filter and replaces the issuer with the
 * operator's public URL and the tenant's slug. An unknown or suspended tenant's provider does not
 * exist: 404 before any endpoint runs. The path names the tenant by its slug, resolved as every path open
 * to anonymous callers is ({@link OpenTenants#bySlug}: from the node's cache of active tenants, which drops
 * a tenant when its suspension or deletion is announced, so its provider is gone on every node within a
 * second); an id names no provider, as no issuer URL carries one. The tenant is held
 * for the request's thread, so the client repository and the authorization service answer for that
 * tenant only.
 */
final class TenantIssuer extends OncePerRequestFilter {

    static final String PREFIX = "/oauth2/";
    private static final Pattern PATH = Pattern.compile("^/oauth2/([A-Za-z0-9][A-Za-z0-9-]{0,62})(/.*)?$");
    private static final ThreadLocal<Issuer> CURRENT = new ThreadLocal<>();

    /** The tenant of the request being served and its issuer URL. */
    record Issuer(TenantId tenant, String slug, String url) {}

    private final OpenTenants tenants;
    private final PublicUrl publicUrl;
    private final AuthorizationServerSettings settings;

    TenantIssuer(OpenTenants tenants, PublicUrl publicUrl, AuthorizationServerSettings settings) {
        this.tenants = tenants;
        this.publicUrl = publicUrl;
        this.settings = settings;
    }

    /** The issuer of the provider request on this thread, if it is one. */
    static Optional<Issuer> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The issuer URL of a tenant, as tokens carry it in {@code iss}. */
    static String url(String base, String slug) {
        return base + PREFIX + slug;
    }

    /**
     * The tenant slug of one of this server's issuer URLs, or null when it is not one: its path is
     * {@code /oauth2/{slug}} under the public URL's path. The scheme and host are not compared:
     * with {@code GATEHOUSE_PUBLIC_URL} unset they follow the address each request reached the
     * server at, and a token is ours by its signature, not by the host in {@code iss}.
     */
    static @Nullable String slugOf(String base, @Nullable String issuer) {
        if (issuer == null) {
            return null;
        }
        String basePath = java.net.URI.create(base).getRawPath();
        String path;
        try {
            path = new java.net.URI(issuer).getRawPath();
        } catch (java.net.URISyntaxException notAUrl) {
            return null;
        }
        if (path == null || !path.startsWith(basePath + PREFIX)) {
            return null;
        }
        Matcher matcher = PATH.matcher(path.substring(basePath.length()));
        return matcher.matches() && matcher.group(2) == null ? matcher.group(1) : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher path = PATH.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        Optional<OpenTenants.Active> tenant = path.matches() ? tenants.bySlug(path.group(1)) : Optional.empty();
        if (tenant.isEmpty()) {
            response.setStatus(404);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://gatehouse.dev/problems/404\",\"title\":\"Not found\","
                    + "\"status\":404,\"detail\":\"no such OpenID Connect provider: the tenant does not exist or is"
                    + " suspended\"}");
            return;
        }
        String slug = tenant.get().slug();
        Issuer issuer = new Issuer(tenant.get().id(), slug, url(publicUrl.base(), slug));
        AuthorizationServerContext previous = AuthorizationServerContextHolder.getContext();
        CURRENT.set(issuer);
        AuthorizationServerContextHolder.setContext(new AuthorizationServerContext() {
            @Override
            public String getIssuer() {
                return issuer.url();
            }

            @Override
            public AuthorizationServerSettings getAuthorizationServerSettings() {
                return settings;
            }
        });
        try {
            chain.doFilter(request, response);
        } finally {
            CURRENT.remove();
            if (previous == null) {
                AuthorizationServerContextHolder.resetContext();
            } else {
                AuthorizationServerContextHolder.setContext(previous);
            }
        }
    }
}
