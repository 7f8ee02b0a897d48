package dev.gatehouse.server.passkeys;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.gatehouse.server.shared.PublicUrl;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The WebAuthn ceremonies, run by webauthn4j (Spring Security's WebAuthn module brings it): the
 * options a browser hands {@code navigator.credentials.create/get}, and the verification of what
 * it answers — challenge, origin, relying-party id (the host of {@code GATEHOUSE_PUBLIC_URL}),
 * signature, signature counter, user presence and, where asked, user verification. Attestation is
 * "none": a clinic's passkeys are whatever its staff carry; nothing here trusts an authenticator's
 * make. Nothing here parses CBOR or COSE by hand.
 */
@Component
class Ceremonies {

    /** How long a browser has to answer; the challenge itself lives five minutes. */
    static final long TIMEOUT_MILLIS = 300_000;

    /** ES256, EdDSA, RS256: what platform authenticators, security keys and Windows Hello make. */
    private static final List<COSEAlgorithmIdentifier> ALGORITHMS = List.of(COSEAlgorithmIdentifier.ES256,
            COSEAlgorithmIdentifier.EdDSA, COSEAlgorithmIdentifier.RS256);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    record RelyingParty(String id, String name) {}

    record UserEntity(String id, String name, String displayName) {}

    record Parameter(String type, long alg) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Descriptor(String type, String id, List<String> transports) {}

    record Selection(String residentKey, boolean requireResidentKey, String userVerification) {}

    /** {@code PublicKeyCredentialCreationOptionsJSON} (WebAuthn Level 3), base64url for binary fields. */
    record CreationOptions(String challenge, RelyingParty rp, UserEntity user, List<Parameter> pubKeyCredParams,
            long timeout, List<Descriptor> excludeCredentials, Selection authenticatorSelection, String attestation) {}

    /** {@code PublicKeyCredentialRequestOptionsJSON}; no allowed credentials asks for a discoverable one. */
    record RequestOptions(String challenge, String rpId, long timeout, List<Descriptor> allowCredentials,
            String userVerification) {}

    /** What a verified registration gives to keep. */
    record Registered(byte[] credentialId, byte[] attestedCredentialData, long signCount, boolean userVerified,
            List<String> transports) {}

    /** What a verified assertion proved. */
    record Asserted(long signCount, boolean userVerified) {}

    /** The browser's answer could not be read at all: a bad request, not a failed proof. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    /** The proof failed: wrong origin, relying party, challenge, signature, counter or user verification. */
    static final class Failed extends RuntimeException {
        private final String reason;

        Failed(String reason, Throwable cause) {
            super(reason, cause);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private final PublicUrl publicUrl;
    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    private final AttestedCredentialDataConverter credentials = new AttestedCredentialDataConverter(converter);

    Ceremonies(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    static byte[] newChallenge() {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        return challenge;
    }

    /** The relying party: the public URL's host, and its origin (scheme, host and port). */
    String rpId() {
        return URI.create(publicUrl.base()).getHost().toLowerCase(Locale.ROOT);
    }

    private Origin origin() {
        URI base = URI.create(publicUrl.base());
        return new Origin(base.getScheme() + "://" + base.getRawAuthority());
    }

    CreationOptions creation(byte[] challenge, UUID userId, String username, String displayName, String tenantName,
            List<PasskeyStore.Passkey> existing) {
        return new CreationOptions(B64URL.encodeToString(challenge), new RelyingParty(rpId(), "Gatehouse · " + tenantName),
                new UserEntity(B64URL.encodeToString(userHandle(userId)), username, displayName),
                ALGORITHMS.stream().map(alg -> new Parameter("public-key", alg.getValue())).toList(), TIMEOUT_MILLIS,
                descriptors(existing), new Selection("preferred", false, "preferred"), "none");
    }

    RequestOptions request(byte[] challenge, List<PasskeyStore.Passkey> allowed, boolean userVerification) {
        return new RequestOptions(B64URL.encodeToString(challenge), rpId(), TIMEOUT_MILLIS, descriptors(allowed),
                userVerification ? "required" : "preferred");
    }

    /** The user handle of a passkey: the user's id (16 bytes), never a name or an address. */
    static byte[] userHandle(UUID userId) {
        return ByteBuffer.allocate(16).putLong(userId.getMostSignificantBits())
                .putLong(userId.getLeastSignificantBits()).array();
    }

    static @Nullable UUID userOfHandle(byte @Nullable [] handle) {
        if (handle == null || handle.length != 16) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(handle);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** Verifies {@code navigator.credentials.create}'s answer ({@code PublicKeyCredential} as JSON). */
    Registered register(String credentialJson, byte[] challenge) {
        RegistrationData data;
        try {
            data = manager.parseRegistrationResponseJSON(credentialJson);
        } catch (RuntimeException e) {
            // DataConversionException for most, but a body of the wrong shape fails in other ways too.
            throw new Unreadable("is not a PublicKeyCredential of a registration");
        }
        List<PublicKeyCredentialParameters> accepted = ALGORITHMS.stream()
                .map(alg -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, alg)).toList();
        try {
            manager.verify(data, new RegistrationParameters(serverProperty(challenge), accepted, false, true));
        } catch (VerificationException e) {
            throw new Failed(e.getClass().getSimpleName(), e);
        } catch (RuntimeException e) {
            // Parts missing from what parsed (no attestation object, no authenticator data).
            throw new Unreadable("is not a complete PublicKeyCredential of a registration");
        }
        AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = authenticator.getAttestedCredentialData();
        List<String> transports = data.getTransports() == null ? List.of()
                : data.getTransports().stream().map(AuthenticatorTransport::getValue).sorted().toList();
        return new Registered(attested.getCredentialId(), credentials.convert(attested), authenticator.getSignCount(),
                authenticator.isFlagUV(), transports);
    }

    /** The credential id and user handle of {@code navigator.credentials.get}'s answer, before it is verified. */
    record Presented(byte[] credentialId, byte @Nullable [] userHandle, AuthenticationData data) {}

    Presented read(String credentialJson) {
        try {
            AuthenticationData data = manager.parseAuthenticationResponseJSON(credentialJson);
            if (data.getCredentialId() == null) {
                throw new Unreadable("is not a PublicKeyCredential of a sign-in");
            }
            return new Presented(data.getCredentialId(), data.getUserHandle(), data);
        } catch (RuntimeException e) {
            throw new Unreadable("is not a PublicKeyCredential of a sign-in");
        }
    }

    /**
     * Verifies an assertion against the stored passkey: signature by its key, this challenge, this
     * origin and relying party, user presence, user verification when asked, and a counter that has
     * moved forward (a cloned authenticator's goes back: webauthn4j's MaliciousCounterValueException).
     */
    Asserted verify(Presented presented, PasskeyStore.Passkey passkey, byte[] challenge, boolean userVerification) {
        Set<AuthenticatorTransport> transports = new LinkedHashSet<>();
        passkey.transports().forEach(t -> transports.add(AuthenticatorTransport.create(t)));
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), passkey.userVerified(),
                null, null, passkey.signCount(), credentials.convert(passkey.publicKey()), null, null, null, transports);
        try {
            manager.verify(presented.data(), new AuthenticationParameters(serverProperty(challenge), record,
                    List.of(passkey.credentialId()), userVerification, true));
        } catch (VerificationException e) {
            throw new Failed(e.getClass().getSimpleName(), e);
        } catch (RuntimeException e) {
            // Parts missing from what parsed: no proof either.
            throw new Failed("Incomplete", e);
        }
        AuthenticatorData<?> authenticator = presented.data().getAuthenticatorData();
        return new Asserted(authenticator.getSignCount(), authenticator.isFlagUV());
    }

    private ServerProperty serverProperty(byte[] challenge) {
        return new ServerProperty(origin(), rpId(), new DefaultChallenge(challenge));
    }

    private static List<Descriptor> descriptors(List<PasskeyStore.Passkey> passkeys) {
        return passkeys.stream().map(p -> new Descriptor("public-key", B64URL.encodeToString(p.credentialId()),
                p.transports())).toList();
    }
}
