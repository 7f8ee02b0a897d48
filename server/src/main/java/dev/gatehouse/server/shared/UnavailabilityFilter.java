package dev.gatehouse.server.shared;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link Unavailability}'s answer for a failure in a servlet filter (the bearer token's session
 * lookup, the lean check), which no controller advice sees: outermost, so the database being
 * down is a {@code 503} with {@code Retry-After} there too, not the container's {@code 500}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnavailabilityFilter extends OncePerRequestFilter {

    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException | IOException e) {
            Unavailability.Answer answer = Unavailability.answer(e);
            if (answer == null || response.isCommitted()) {
                throw e;
            }
            response.reset();
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "https://gatehouse.dev/problems/503");
            problem.put("title", "Service unavailable");
            problem.put("status", 503);
            problem.put("detail", answer.detail());
            problem.put("instance", request.getRequestURI());
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Long.toString(answer.retryAfter().toSeconds()));
            response.setContentType("application/problem+json");
            response.getWriter().write(json.writeValueAsString(problem));
        }
    }
}
