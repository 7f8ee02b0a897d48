package dev.gatehouse.server.passkeys;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * A software passkey for the tests: an EC P-256 key of its own, whose registration (attestation
 * "none") and assertions are built with webauthn4j's own data classes and converters, and signed
 * with the JDK — as a browser and a platform authenticator would answer, and as a cloned or
 * misdirected one would. webauthn4j's test authenticator is not published on Maven Central.
 */
final class TestAuthenticator {

    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final byte[] credentialId = new byte[32];
    private long counter;

    /** What the authenticator signs for: the relying party's id and origin (a phishing site's differ). */
    String rpId;
    String origin;
    boolean userVerification = true;
    /** The user handle an assertion carries (a discoverable passkey's), or none. */
    byte @Nullable [] userHandle;

    TestAuthenticator(String origin) {
        this.origin = origin;
        this.rpId = java.net.URI.create(origin).getHost();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        RANDOM.nextBytes(credentialId);
    }

    String credentialId() {
        return B64.encodeToString(credentialId);
    }

    /** Sets the counter the next assertion carries before counting up (a clone's lags behind). */
    void counter(long value) {
        counter = value;
    }

    /** {@code navigator.credentials.create}'s answer to options carrying {@code challenge} (base64url). */
    String register(String challenge) {
        byte[] clientData = clientData("webauthn.create", challenge);
        AttestedCredentialData attested = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(rpIdHash(),
                flags(true), counter, attested);
        byte[] attestation = new AttestationObjectConverter(CONVERTER).convertToBytes(
                new AttestationObject(data, new NoneAttestationStatement()));
        return """
                {"id":"%s","rawId":"%s","type":"public-key","authenticatorAttachment":"platform",\
                "response":{"clientDataJSON":"%s","attestationObject":"%s","transports":["internal"]},\
                "clientExtensionResults":{}}""".formatted(credentialId(), credentialId(), B64.encodeToString(clientData),
                B64.encodeToString(attestation));
    }

    /** {@code navigator.credentials.get}'s answer to options carrying {@code challenge}. */
    String assertion(String challenge) {
        counter++;
        byte[] clientData = clientData("webauthn.get", challenge);
        byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER).convert(
                new AuthenticatorData<>(rpIdHash(), flags(false), counter));
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authenticatorData);
            signer.update(MessageDigest.getInstance("SHA-256").digest(clientData));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String handle = userHandle == null ? "" : ",\"userHandle\":\"" + B64.encodeToString(userHandle) + "\"";
        return """
                {"id":"%s","rawId":"%s","type":"public-key","authenticatorAttachment":"platform",\
                "response":{"clientDataJSON":"%s","authenticatorData":"%s","signature":"%s"%s},\
                "clientExtensionResults":{}}""".formatted(credentialId(), credentialId(), B64.encodeToString(clientData),
                B64.encodeToString(authenticatorData), B64.encodeToString(signature), handle);
    }

    private byte[] clientData(String type, String challenge) {
        return """
                {"type":"%s","challenge":"%s","origin":"%s","crossOrigin":false}""".formatted(type, challenge, origin)
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte flags(boolean attested) {
        byte flags = AuthenticatorData.BIT_UP;
        if (userVerification) {
            flags |= AuthenticatorData.BIT_UV;
        }
        if (attested) {
            flags |= AuthenticatorData.BIT_AT;
        }
        return flags;
    }

    private byte[] rpIdHash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
