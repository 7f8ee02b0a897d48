package dev.gatehouse.server.authentication;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The device cookie's filter ({@link DeviceIds.CookieFilter}), ahead of the security chains and MVC. */
@Configuration(proxyBeanMethods = false)
class DeviceConfiguration {

    @Bean
    FilterRegistrationBean<DeviceIds.CookieFilter> deviceCookie() {
        FilterRegistrationBean<DeviceIds.CookieFilter> registration =
                new FilterRegistrationBean<>(new DeviceIds.CookieFilter());
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }
}
