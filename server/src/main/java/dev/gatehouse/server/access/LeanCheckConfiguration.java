package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.SecurityShortcut;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link LeanCheckFilter} first among the servlet filters, ahead of the request observation
 * and the security chain it stands in for.
 */
@Configuration(proxyBeanMethods = false)
class LeanCheckConfiguration {

    @Bean
    FilterRegistrationBean<LeanCheckFilter> leanCheckFilter(CheckController checks, SecurityShortcut security,
            JsonMapper json, MeterRegistry meters) {
        FilterRegistrationBean<LeanCheckFilter> registration =
                new FilterRegistrationBean<>(new LeanCheckFilter(checks, security, json, meters));
        registration.addUrlPatterns(LeanCheckFilter.PREFIX + "*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
