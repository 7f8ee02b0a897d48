package dev.gatehouse.server.oidcin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The presets' settings and claim quirks: Entra's issuer from its directory ID and its e-mail trusted
 * only in the provider's domains, Okta's issuer from its domain, Google's issuer and hosted domain;
 * amr read as a second factor only for methods that are one.
 */
class OidcSettingsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private ObjectNode config(String text) {
        return (ObjectNode) json.readTree(text);
    }

    private List<FieldError> errors(@Nullable String preset, String config) {
        List<FieldError> errors = new ArrayList<>();
        OidcSettings.read(preset, config(config), errors);
        return errors;
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void presetsDeriveTheirIssuers() {
        List<FieldError> errors = new ArrayList<>();
        OidcSettings entra = OidcSettings.read("ENTRA",
                config("{\"tenantId\":\"72F988BF-86F1-41AF-91AB-2D7CD011DB47\",\"clientId\":\"app\"}"), errors);
        OidcSettings okta = OidcSettings.read("OKTA", config("{\"domain\":\"Clinic.okta.com\",\"clientId\":\"app\"}"),
                errors);
        OidcSettings google = OidcSettings.read("GOOGLE",
                config("{\"hostedDomain\":\"clinic.example\",\"clientId\":\"app\"}"), errors);
        assertThat(errors).isEmpty();
        assertThat(entra.issuer()).isEqualTo("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0");
        assertThat(okta.issuer()).isEqualTo("https://clinic.okta.com");
        assertThat(google.issuer()).isEqualTo("https://accounts.google.com");
        assertThat(google.hostedDomain()).isEqualTo("clinic.example");
        assertThat(entra.scopes()).containsExactly("openid", "email", "profile");
        assertThat(entra.groupsClaim()).isEqualTo("groups");
    }

    @Test
    void refusesIncompleteOrMalformedSettingsNamingTheField() {
        assertThat(fields(errors("ENTRA", "{\"clientId\":\"app\"}"))).containsExactly("config.tenantId");
        assertThat(fields(errors("ENTRA", "{\"tenantId\":\"contoso.onmicrosoft.com\",\"clientId\":\"app\"}")))
                .containsExactly("config.tenantId");
        assertThat(fields(errors("OKTA", "{\"domain\":\"https://clinic.okta.com/\",\"clientId\":\"app\"}")))
                .containsExactly("config.domain");
        assertThat(fields(errors("GOOGLE", "{\"clientId\":\"app\"}"))).containsExactly("config.hostedDomain");
        assertThat(fields(errors(null, "{\"clientId\":\"app\"}"))).containsExactly("config.issuer");
        assertThat(fields(errors(null, "{\"issuer\":\"ftp://idp.example\",\"clientId\":\"app\"}")))
                .containsExactly("config.issuer");
        assertThat(fields(errors(null, "{\"issuer\":\"https://idp.example\"}"))).containsExactly("config.clientId");
        assertThat(fields(errors(null, "{\"issuer\":\"https://idp.example\",\"clientId\":\"app\",\"scopes\":7}")))
                .containsExactly("config.scopes");
        assertThat(fields(errors(null, "{\"issuer\":\"https://idp.example\",\"clientId\":\"app\",\"isuer\":\"x\"}")))
                .containsExactly("config.isuer");
        assertThat(fields(errors("AUTH0", "{\"issuer\":\"https://idp.example\",\"clientId\":\"app\"}")))
                .containsExactly("preset");
    }

    @Test
    void entraEmailIsVerifiedOnlyInTheProvidersDomains() {
        OidcSettings entra = OidcSettings.read("ENTRA",
                config("{\"tenantId\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"clientId\":\"app\"}"), new ArrayList<>());
        IdentityProvider provider = provider("ENTRA", List.of("clinic.example"));
        ExternalIdentity own = Identities.of(provider, entra, Map.of("sub", "s1", "preferred_username",
                "Ann@Clinic.example", "groups", List.of("g-1", "g-2"), "email_verified", false));
        assertThat(own.email()).isEqualTo("ann@clinic.example");
        assertThat(own.emailVerified()).isTrue();
        assertThat(own.groups()).containsExactly("g-1", "g-2");
        // An address the user could set to anything (nOAuth): Entra's email claim outside the provider's domains.
        ExternalIdentity foreign = Identities.of(provider, entra, Map.of("sub", "s2", "email", "boss@other.example",
                "email_verified", true));
        assertThat(foreign.emailVerified()).isFalse();
    }

    @Test
    void otherProvidersEmailIsVerifiedAsTheyStateIt() {
        OidcSettings okta = OidcSettings.read("OKTA", config("{\"domain\":\"clinic.okta.com\",\"clientId\":\"app\","
                + "\"usernameClaim\":\"login\"}"), new ArrayList<>());
        IdentityProvider provider = provider("OKTA", List.of());
        ExternalIdentity verified = Identities.of(provider, okta, Map.of("sub", "s1", "email", "ann@clinic.example",
                "email_verified", true, "login", "ann", "given_name", "Ann", "family_name", "Lee", "groups", "nurses"));
        assertThat(verified.emailVerified()).isTrue();
        assertThat(verified.username()).isEqualTo("ann");
        assertThat(verified.firstName()).isEqualTo("Ann");
        assertThat(verified.groups()).containsExactly("nurses");
        assertThat(verified.claims()).containsEntry("login", List.of("ann"));
        assertThat(Identities.of(provider, okta, Map.of("sub", "s1", "email", "ann@clinic.example")).emailVerified())
                .isFalse();
    }

    @Test
    void googleAccountsOutsideTheHostedDomainAreRefused() {
        OidcSettings google = OidcSettings.read("GOOGLE", config("{\"hostedDomain\":\"clinic.example\",\"clientId\":"
                + "\"app\"}"), new ArrayList<>());
        assertThat(OidcSignIn.inHostedDomain(google, Map.of("hd", "clinic.example"))).isTrue();
        assertThat(OidcSignIn.inHostedDomain(google, Map.of("hd", "other.example"))).isFalse();
        assertThat(OidcSignIn.inHostedDomain(google, Map.of("email", "ann@clinic.example"))).isFalse();
    }

    @Test
    void amrCountsAsASecondFactorOnlyForMultiFactorMethods() {
        assertThat(OidcSignIn.multiFactor(Map.of("amr", List.of("pwd", "mfa")))).isTrue();
        assertThat(OidcSignIn.multiFactor(Map.of("amr", List.of("hwk")))).isTrue();
        assertThat(OidcSignIn.multiFactor(Map.of("amr", List.of("pwd")))).isFalse();
        assertThat(OidcSignIn.multiFactor(Map.of("amr", "mfa"))).isFalse();
        assertThat(OidcSignIn.multiFactor(Map.of())).isFalse();
    }

    private IdentityProvider provider(String preset, List<String> domains) {
        return new IdentityProvider(UUID.randomUUID(), new TenantId(UUID.randomUUID()), "clinic", "IdP",
                ProviderKind.OIDC, preset, domains, json.createObjectNode(), Map.of(), true, List.of(), false, true);
    }
}
