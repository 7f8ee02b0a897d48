package dev.gatehouse.server.edge;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;

/** The edge's filters and the JSON reader's strictness. */
@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {

    /** Right after character encoding, ahead of the check API's lean path and the security chains. */
    @Bean
    FilterRegistrationBean<SecurityHeaders> securityHeaders() {
        FilterRegistrationBean<SecurityHeaders> registration = new FilterRegistrationBean<>(new SecurityHeaders());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR, DispatcherType.FORWARD,
                DispatcherType.ASYNC);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /**
     * A JSON body means one thing: a key given twice ({"name":"a","name":"b"}) and a field the
     * endpoint does not know are refused (400 naming the field, by shared.Problems) rather than
     * resolved silently — last one wins, or ignored — which hides typos and lets a proxy and
     * Gatehouse read different requests.
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
