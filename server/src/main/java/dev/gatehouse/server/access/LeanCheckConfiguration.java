package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.SecurityShortcut;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link LeanCheckFilter} ahead of the security chain it stands in for, but after the filters
 * of {@link Ordered#HIGHEST_PRECEDENCE} (character encoding, and with
 * {@code server.forward-headers-strategy=FRAMEWORK} the one that sets the client's address, which
 * the IP allowlist reads) and the request observation at {@code HIGHEST_PRECEDENCE + 1}.
 */
@Configuration(proxyBeanMethods = false)
class LeanCheckConfiguration {

    @Bean
    FilterRegistrationBean<LeanCheckFilter> leanCheckFilter(CheckController checks, SecurityShortcut security,
            JsonMapper json, MeterRegistry meters) {
        FilterRegistrationBean<LeanCheckFilter> registration =
                new FilterRegistrationBean<>(new LeanCheckFilter(checks, security, json, meters));
        registration.addUrlPatterns(LeanCheckFilter.PREFIX + "*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }
}
