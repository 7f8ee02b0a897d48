package dev.gatehouse.client.spring;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import java.time.Duration;
import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.security.authorization.method.AuthorizationManagerBeforeMethodInterceptor;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.util.function.SingletonSupplier;

/**
 * The starter, active once {@code gatehouse.url} is set: the {@link GatehouseClient} with the application's API
 * key, its {@link LocalDecisions} (unless {@code gatehouse.local.enabled=false}), the {@link Gatehouse} bean named
 * {@code gatehouse} that route rules and views decide with, {@link RequiresPermission} on any bean's methods
 * (no {@code @EnableMethodSecurity} needed), and, in a servlet application, the denial page and problem document
 * installed on every {@code SecurityFilterChain} the application builds ({@link DenialResponses}). The client,
 * local decisions, {@link DecisionSource}, {@code gatehouse} bean and denial handler each give way to one the
 * application declares itself.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "gatehouse", name = "url")
@EnableConfigurationProperties(GatehouseProperties.class)
@Import(GatehouseAutoConfiguration.AutoProxying.class)
public class GatehouseAutoConfiguration {

    /** How often queued denials are sent to the audit. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(1);

    /** An application with another credential (client credentials, say) declares its own client. */
    @Bean
    @ConditionalOnMissingBean
    GatehouseClient gatehouseClient(GatehouseProperties gatehouse) {
        if (gatehouse.apiKey() == null) {
            throw new IllegalStateException("gatehouse.api-key is required: an API key of the tenant whose scopes include"
                    + " access.check, so the application may ask about its users and read the change stream");
        }
        GatehouseClient.Builder client = GatehouseClient.builder()
                .baseUrl(gatehouse.url())
                .apiKey(gatehouse.apiKey())
                .timeout(gatehouse.timeout())
                .maxRetries(gatehouse.maxRetries());
        if (gatehouse.tenant() != null) {
            client.tenant(gatehouse.tenant());
        }
        return client.build();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "gatehouse.local.enabled", matchIfMissing = true)
    LocalDecisions gatehouseLocalDecisions(GatehouseClient client, GatehouseProperties gatehouse) {
        return client.localDecisions(LocalOptions.defaults()
                .stalenessBound(gatehouse.local().stalenessBound())
                .whenStale(gatehouse.local().whenStale()));
    }

    /** In process when there are local decisions, else the HTTP check. */
    @Bean
    @ConditionalOnMissingBean
    DecisionSource gatehouseDecisionSource(GatehouseClient client, ObjectProvider<LocalDecisions> local) {
        LocalDecisions inProcess = local.getIfAvailable();
        return inProcess == null ? client::check : inProcess::check;
    }

    /** Named {@code gatehouse} for expressions: {@code ${@gatehouse.can('patients.write')}}. */
    @Bean(name = "gatehouse")
    @ConditionalOnMissingBean
    Gatehouse gatehouse(DecisionSource decisions) {
        return new Gatehouse(decisions);
    }

    /**
     * {@link RequiresPermission} on a method or class. Static and lazy: an advisor is created with the
     * post-processors, before the beans it decides with may be.
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor gatehouseMethodSecurity(ObjectProvider<Gatehouse> gatehouse) {
        Pointcut annotated = new ComposablePointcut(new AnnotationMatchingPointcut(RequiresPermission.class, true))
                .union(new AnnotationMatchingPointcut(null, RequiresPermission.class, true));
        return new AuthorizationManagerBeforeMethodInterceptor(annotated,
                new MethodPermissions(SingletonSupplier.of(gatehouse::getObject)));
    }

    /** Denials answered as a page or a problem, and reported when asked to. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(HttpSecurity.class)
    static class Denials {

        @Bean
        @ConditionalOnBooleanProperty("gatehouse.report-denials")
        DenialReports gatehouseDenialReports(GatehouseClient client) {
            return new DenialReports(client, REPORT_EVERY);
        }

        @Bean
        @ConditionalOnMissingBean(AccessDeniedHandler.class)
        DenialResponses gatehouseDenialResponses(GatehouseProperties gatehouse, ObjectProvider<DenialReports> reports) {
            return new DenialResponses(gatehouse.denialContact(), reports.getIfAvailable());
        }

        /** Applied by Spring Security to every {@code HttpSecurity} before the application configures it. */
        @Bean
        Customizer<HttpSecurity> gatehouseDenialHandling(AccessDeniedHandler denials) {
            return http -> http.exceptionHandling(exceptions -> exceptions.accessDeniedHandler(denials));
        }
    }

    /**
     * Makes sure advisors are applied even where Spring Boot's AOP configuration is switched off, as
     * {@code @EnableMethodSecurity} does.
     */
    static class AutoProxying implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
