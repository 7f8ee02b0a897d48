package dev.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.stereotype.Component;

/**
 * This server's RFC 9068 access tokens read back: a JWT of type {@code at+jwt}, signed by a
 * published key, not expired, with the claims every one of them carries. Both the API's bearer path
 * ({@link AccessTokenBearer}) and the provider's own endpoints ({@link Authorizations}, for the
 * client-credentials tokens it does not store) verify them here, against the in-memory key set.
 */
@Component
class AccessTokens {

    /**
     * The claim naming the grant a token came from, only on client-credentials tokens (as Auth0's
     * {@code gty}): such a token is not stored, and only a token saying so is judged without a row.
     */
    static final String GRANT = "gty";

    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    AccessTokens(SigningKeys keys) {
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                (selector, context) -> selector.select(keys.published())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null,
                Set.of("iss", "sub", "exp", "iat", "jti", "client_id")));
    }

    /** Whether the value looks like a JWT at all (three base64url parts), which no session token or API key does. */
    static boolean looksLikeJwt(String token) {
        return JWT.matcher(token).matches();
    }

    /** The token's verified claims, or empty for anything that is not a live access token of this server. */
    Optional<JWTClaimsSet> verified(String token) {
        if (!looksLikeJwt(token)) {
            return Optional.empty();
        }
        try {
            return Optional.of(processor.process(SignedJWT.parse(token), null));
        } catch (ParseException | BadJOSEException | JOSEException notOurs) {
            return Optional.empty();
        }
    }

    /** Whether the verified token came from the client-credentials grant (and so was never stored). */
    static boolean isClientCredentials(JWTClaimsSet claims) {
        return AuthorizationGrantType.CLIENT_CREDENTIALS.getValue().equals(claims.getClaim(GRANT));
    }
}
