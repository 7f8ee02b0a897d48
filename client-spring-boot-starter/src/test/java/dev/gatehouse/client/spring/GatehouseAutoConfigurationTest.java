package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.access.AccessDeniedHandler;

/** What the starter adds to an application, and what it leaves alone. */
class GatehouseAutoConfigurationTest {

    private final WebApplicationContextRunner application = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class, GatehouseResourceServerAutoConfiguration.class,
                    GatehouseLoginAutoConfiguration.class));
    private final FakeGatehouseServer server = FakeGatehouseServer.start();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void withoutAGatehouseUrlTheStarterAddsNothing() {
        application.run(context -> {
            assertThat(context).doesNotHaveBean(GatehouseClient.class);
            assertThat(context).doesNotHaveBean(Gatehouse.class);
            assertThat(context).doesNotHaveBean(JwtDecoder.class);
            assertThat(context).doesNotHaveBean(AccessDeniedHandler.class);
        });
    }

    @Test
    void aUrlAndAnApiKeyGiveTheClientLocalDecisionsAndTheGatehouseBean() {
        application.withPropertyValues(server.properties()).run(context -> {
            assertThat(context).hasSingleBean(GatehouseClient.class);
            assertThat(context).hasSingleBean(LocalDecisions.class);
            assertThat(context).hasBean("gatehouse");
            assertThat(context.getBean("gatehouse")).isInstanceOf(Gatehouse.class);
            assertThat(context).hasSingleBean(DenialResponses.class);
            assertThat(context).doesNotHaveBean(DenialReports.class);
        });
    }

    @Test
    void withoutAnApiKeyTheApplicationDoesNotStartAndIsToldWhichPropertyIsMissing() {
        application.withPropertyValues("gatehouse.url=" + server.url()).run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageStartingWith("gatehouse.api-key is required"));
    }

    @Test
    void localDecisionsCanBeSwitchedOff() {
        application.withPropertyValues(server.properties()).withPropertyValues("gatehouse.local.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(LocalDecisions.class);
            assertThat(context).hasSingleBean(DecisionSource.class);
        });
    }

    @Test
    void denialsAreReportedOnlyWhenAskedTo() {
        application.withPropertyValues(server.properties()).withPropertyValues("gatehouse.report-denials=true")
                .run(context -> assertThat(context).hasSingleBean(DenialReports.class));
    }

    @Test
    void aResourceServerGetsTheTenantsDecoderUnlessItHasItsOwn() {
        application.withPropertyValues(server.properties()).run(context -> assertThat(context.getBean(JwtDecoder.class))
                .isInstanceOf(SupplierJwtDecoder.class));
        application.withPropertyValues(server.properties()).withBean(JwtDecoder.class, TestTokens::decoder)
                .run(context -> assertThat(context.getBean(JwtDecoder.class)).isNotInstanceOf(SupplierJwtDecoder.class));
    }

    @Test
    void anApplicationThatIsNoResourceServerGetsNoDecoder() {
        application.withPropertyValues(server.properties()).withClassLoader(new FilteredClassLoader(JwtDecoder.class))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(JwtDecoder.class);
                    assertThat(context).hasSingleBean(Gatehouse.class);
                });
    }

    @Test
    void anApplicationSigningPeopleInGetsTheirRolesAsAuthorities() {
        application.withPropertyValues(server.properties())
                .run(context -> assertThat(context).hasSingleBean(GrantedAuthoritiesMapper.class));
    }

    @Test
    void theApplicationsOwnDenialHandlerWins() {
        AccessDeniedHandler own = (request, response, denied) -> response.sendError(418);
        application.withPropertyValues(server.properties()).withBean(AccessDeniedHandler.class, () -> own)
                .run(context -> assertThat(context.getBean(AccessDeniedHandler.class)).isSameAs(own));
    }
}
