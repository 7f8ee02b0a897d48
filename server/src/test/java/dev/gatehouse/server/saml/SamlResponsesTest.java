package dev.gatehouse.server.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.onelogin.saml2.exception.ValidationError;
import com.onelogin.saml2.settings.Saml2Settings;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The validation the assertion consumer relies on — java-saml under {@link ServiceProvider}'s strict
 * settings — against a valid response and each forgery, without a server. SamlSignInIT runs the same
 * forgeries through the endpoint.
 */
class SamlResponsesTest {

    private static final String SP = "https://gatehouse.example/sso/saml/clinic/0b4b3e5e-0000-4000-8000-000000000001";
    private static final String ACS = SP + "/acs";
    private static final String REQUEST = "_request-1";

    // Made once: RSA key generation is most of this test's time.
    private static final TestIdp IDP = new TestIdp();
    private static final KeyPair SP_KEYS = SpKeys.newKeyPair();
    private static final SpKeys.SpKey SP_KEY = new SpKeys.SpKey(SpKeys.selfSigned(SP_KEYS, "CN=SP", Instant.now(),
            Duration.ofDays(1)), SP_KEYS.getPrivate());

    private Saml2Settings settings(boolean encrypted) {
        IdpMetadata metadata = IdpMetadata.parse(IDP.metadata(), null);
        ObjectNode config = JsonMapper.builder().build().createObjectNode();
        config.put(SamlConfig.ENTITY_ID, metadata.entityId());
        config.put(SamlConfig.SSO_URL, metadata.ssoUrl());
        metadata.certificates().forEach(config.putArray(SamlConfig.CERTIFICATES)::add);
        config.put(SamlConfig.ENCRYPTED, encrypted);
        return ServiceProvider.settings(SamlConfig.of(config), SP, ACS, SP_KEY);
    }

    private Forgeries.Target target() {
        return new Forgeries.Target(IDP, SP, ACS, REQUEST);
    }

    private String validSigned() {
        TestIdp.Assertion assertion = target().assertion();
        assertion.attributes.put("email", List.of("N.Nurse@clinic.example"));
        assertion.attributes.put("groups", List.of("Nurses", "Night shift"));
        assertion.authnContext = "http://schemas.microsoft.com/claims/multipleauthn";
        return target().response(IDP.signed(assertion.xml()));
    }

    @Test
    void acceptsASignedAssertionAnsweringOurRequest() throws Exception {
        ReceivedResponse response = new ReceivedResponse(settings(false), ACS, TestIdp.base64(validSigned()));

        assertThat(response.isValid(REQUEST)).as(String.valueOf(response.getValidationException())).isTrue();
        assertThat(response.getNameId()).isEqualTo("n.nurse@clinic.example");
        assertThat(response.getAttributes()).containsEntry("groups", List.of("Nurses", "Night shift"));
        assertThat(response.authnContextClasses()).containsExactly("http://schemas.microsoft.com/claims/multipleauthn");
    }

    @Test
    void refusesAValidResponseAnsweringAnotherRequestOrNone() throws Exception {
        assertThat(new ReceivedResponse(settings(false), ACS, TestIdp.base64(validSigned())).isValid("_other"))
                .isFalse();
        assertThat(new ReceivedResponse(settings(false), ACS, TestIdp.base64(validSigned())).isValid(null)).isFalse();
    }

    @Test
    void decryptsAnAssertionEncryptedToTheSpKeyAndRequiresEncryptionWhenAsked() throws Exception {
        String encrypted = TestIdp.encrypted(validSigned(), SP_KEY.certificate());
        ReceivedResponse response = new ReceivedResponse(settings(true), ACS, TestIdp.base64(encrypted));
        assertThat(response.isValid(REQUEST)).as(String.valueOf(response.getValidationException())).isTrue();
        assertThat(response.getNameId()).isEqualTo("n.nurse@clinic.example");

        ReceivedResponse plain = new ReceivedResponse(settings(true), ACS, TestIdp.base64(validSigned()));
        assertThat(plain.isValid(REQUEST)).isFalse();
        assertThat(((ValidationError) plain.getValidationException()).getErrorCode())
                .isEqualTo(ValidationError.NO_ENCRYPTED_ASSERTION);
    }

    static List<Forgeries.Forgery> forgeries() {
        return Forgeries.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void refusesEachForgery(Forgeries.Forgery forgery) {
        String reason;
        try {
            ReceivedResponse response = new ReceivedResponse(settings(false), ACS,
                    TestIdp.base64(forgery.xml().apply(target())));
            reason = response.isValid(REQUEST) ? "ACCEPTED"
                    : response.getValidationException() instanceof ValidationError error ? name(error) : "INVALID: "
                            + response.getValidationException();
        } catch (ValidationError e) {
            reason = name(e);
        } catch (Exception e) {
            reason = "MALFORMED";
        }
        assertThat(reason).isEqualTo(forgery.reason());
    }

    private static String name(ValidationError error) {
        for (var field : ValidationError.class.getFields()) {
            try {
                if (field.getType() == int.class && field.getInt(null) == error.getErrorCode()) {
                    return field.getName();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "UNKNOWN";
    }

    @Test
    void metadataWithADoctypeOrEntitiesIsRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE md [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + IDP.metadata().replace(IDP.ssoUrl + "\"", IDP.ssoUrl + "&xxe;\"");
        assertThatThrownBy(() -> IdpMetadata.parse(xxe, null))
                .hasMessageContaining("not well-formed XML");
        assertThat(IdpMetadata.parse(IDP.metadata(), null).ssoUrl()).isEqualTo(IDP.ssoUrl);
    }
}
