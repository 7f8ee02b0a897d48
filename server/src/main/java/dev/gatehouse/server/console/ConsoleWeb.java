package dev.gatehouse.server.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The console's interceptors, in order: pending required actions first, then the section guard. */
@Configuration(proxyBeanMethods = false)
class ConsoleWeb implements WebMvcConfigurer {

    private final RequiredActionsRedirect requiredActions;
    private final SectionGuard guard;

    ConsoleWeb(RequiredActionsRedirect requiredActions, SectionGuard guard) {
        this.requiredActions = requiredActions;
        this.guard = guard;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(requiredActions).addPathPatterns("/console/**").excludePathPatterns(ConsoleSecurity.PUBLIC);
        registry.addInterceptor(guard).addPathPatterns("/console/**").excludePathPatterns(ConsoleSecurity.PUBLIC);
    }
}
