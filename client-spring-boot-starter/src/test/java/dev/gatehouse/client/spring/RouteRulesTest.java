package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Route rules in an application's own {@code SecurityFilterChain}, run through Spring Security's filters with a
 * bearer token per user: the starter decides by {@link FakeDecisions}, binds path variables to the resource and
 * location, and answers a denial as a problem document or a page.
 */
class RouteRulesTest {

    private final FakeDecisions decisions = new FakeDecisions();
    private final WebApplicationContextRunner application = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class, GatehouseResourceServerAutoConfiguration.class))
            .withPropertyValues("gatehouse.url=http://127.0.0.1:9", "gatehouse.tenant=northside", "gatehouse.api-key=ghk_test",
                    "gatehouse.local.enabled=false", "gatehouse.denial-contact=the practice manager")
            .withBean(DecisionSource.class, () -> decisions)
            .withUserConfiguration(ClinicRoutes.class);

    @Configuration(proxyBeanMethods = false)
    @EnableWebSecurity
    static class ClinicRoutes {

        @Bean
        JwtDecoder tokens() {
            return TestTokens.decoder();
        }

        @Bean
        SecurityFilterChain api(HttpSecurity http, Gatehouse gatehouse) {
            http.authorizeHttpRequests(requests -> requests
                            .requestMatchers("/patients").access(gatehouse.permission("patients.read"))
                            .requestMatchers("/patients/{id}/**").access(gatehouse.permission("patients.read").onResource("patient", "id"))
                            .requestMatchers("/locations/{location}/rota")
                            .access(gatehouse.permission("rota.read").atLocation("location"))
                            .anyRequest().authenticated())
                    .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                    .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            return http.build();
        }
    }

    @Test
    void aUserGrantedThePermissionReachesTheRoute() {
        decisions.grant("dr.patel", "patients.read");
        application.run(context -> {
            Answer answer = get(context.getBean("springSecurityFilterChain", Filter.class), "/patients", "dr.patel", null);
            assertThat(answer.reached()).isTrue();
            assertThat(decisions.asked()).containsExactly("dr.patel: patients.read");
        });
    }

    @Test
    void aUserWithoutThePermissionGetsAProblemNamingGatehousesExplanation() {
        application.run(context -> {
            Answer answer = get(context.getBean("springSecurityFilterChain", Filter.class), "/patients", "dr.patel", null);

            assertThat(answer.reached()).isFalse();
            assertThat(answer.response().getStatus()).isEqualTo(403);
            assertThat(answer.response().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            JsonNode problem = JsonMapper.builder().build().readTree(answer.response().getContentAsString());
            assertThat(problem.path("detail").asString()).isEqualTo("dr.patel holds no role that grants patients.read.");
            assertThat(problem.path("code").asString()).isEqualTo(FakeDecisions.DENIED);
            assertThat(problem.path("permission").asString()).isEqualTo("patients.read");
            assertThat(problem.path("status").asInt()).isEqualTo(403);
        });
    }

    @Test
    void aBrowserIsShownWhatWasRefusedWhyAndWhomToAsk() {
        application.run(context -> {
            Answer answer = get(context.getBean("springSecurityFilterChain", Filter.class), "/patients/123", "dr.patel",
                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

            assertThat(answer.response().getStatus()).isEqualTo(403);
            assertThat(answer.response().getContentType()).startsWith(MediaType.TEXT_HTML_VALUE);
            assertThat(answer.response().getContentAsString())
                    .contains("GET /patients/123</code>, which needs <code>patients.read on patient 123</code>")
                    .contains("dr.patel holds no role that grants patients.read.")
                    .contains("ask the practice manager for a role that grants <code>patients.read</code>");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            granted                      | allowed path             | denied path
            patients.read on patient 123 | /patients/123/notes      | /patients/456/notes
            rota.read at downtown        | /locations/downtown/rota | /locations/uptown/rota
            """)
    void aPathVariableNamesTheResourceOrLocationAskedAbout(String granted, String allowedPath, String deniedPath) {
        decisions.grant("dr.patel", granted);
        application.run(context -> {
            Filter security = context.getBean("springSecurityFilterChain", Filter.class);
            assertThat(get(security, allowedPath, "dr.patel", null).reached()).isTrue();
            assertThat(get(security, deniedPath, "dr.patel", null).reached()).isFalse();
            assertThat(decisions.asked().getFirst()).isEqualTo("dr.patel: " + granted);
        });
    }

    @Test
    void aRevokedPermissionDeniesTheNextRequest() {
        decisions.grant("dr.patel", "patients.read");
        application.run(context -> {
            Filter security = context.getBean("springSecurityFilterChain", Filter.class);
            assertThat(get(security, "/patients", "dr.patel", null).reached()).isTrue();
            decisions.revoke("dr.patel", "patients.read");
            assertThat(get(security, "/patients", "dr.patel", null).reached()).isFalse();
        });
    }

    @Test
    void nobodySignedInIsAskedToAuthenticateAndGatehouseIsNotAsked() {
        application.run(context -> {
            Answer answer = get(context.getBean("springSecurityFilterChain", Filter.class), "/patients", null, null);
            assertThat(answer.response().getStatus()).isEqualTo(401);
            assertThat(decisions.asked()).isEmpty();
        });
    }

    /** The response, and whether the request got past security to the application. */
    record Answer(MockHttpServletResponse response, boolean reached) {}

    static Answer get(Filter security, String path, @Nullable String token, @Nullable String accept) throws Exception {
        return send(security, path, request -> {
            if (token != null) {
                request.addHeader("Authorization", "Bearer " + token);
            }
            if (accept != null) {
                request.addHeader("Accept", accept);
            }
        });
    }

    static Answer send(Filter security, String path, Consumer<MockHttpServletRequest> prepare) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        prepare.accept(request);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain application = new MockFilterChain();
        security.doFilter(request, response, application);
        return new Answer(response, application.getRequest() != null);
    }
}
