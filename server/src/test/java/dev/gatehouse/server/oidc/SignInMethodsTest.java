package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ID token's amr (RFC 8176) from the methods a session recorded at sign-in. */
class SignInMethodsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            methods recorded        | amr          | why
            PASSWORD                | pwd          | a password alone
            PASSWORD TOTP           | pwd otp mfa  | an authenticator app's code after the password
            PASSWORD EMAIL_CODE     | pwd otp mfa  | an e-mailed one-time code after the password
            PASSWORD RECOVERY_CODE  | pwd otp mfa  | a recovery code after the password
            PASSWORD TOTP PASSWORD  | pwd otp mfa  | a password proved again adds nothing
            PASSWORD SOMETHING_NEW  | pwd          | a method not known claims nothing
            LDAP                    | pwd          | the password, checked by the tenant's directory
            OIDC                    | ''           | an identity provider's sign-in says nothing of its factors
            OIDC MFA_ELSEWHERE      | mfa          | the identity provider said it asked more than one factor
            SAML TOTP               | otp          | our own second factor after the provider's sign-in
            PASSKEY MFA_ELSEWHERE   | hwk mfa      | a user-verified passkey
            PASSWORD PASSKEY        | pwd hwk mfa  | a passkey as the second factor
            ''                      | ''           | an impersonation proved nothing of the user
            """, useHeadersInDisplayName = true)
    void amrSaysWhatTheSessionProved(String methods, String amr, String why) {
        assertThat(ConsoleSignIn.amr(words(methods))).as(why).isEqualTo(words(amr));
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }
}
