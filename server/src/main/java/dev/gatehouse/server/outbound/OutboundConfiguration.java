package dev.gatehouse.server.outbound;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The system's DNS for the guard; tests put a resolver of their own first (a {@code @Primary} bean). */
@Configuration(proxyBeanMethods = false)
class OutboundConfiguration {

    @Bean
    HostResolver hostResolver() {
        return HostResolver.system();
    }
}
