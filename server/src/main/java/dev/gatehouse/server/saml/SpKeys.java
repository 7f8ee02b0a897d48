package dev.gatehouse.server.saml;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The service provider's key pair of each SAML identity provider (table {@code saml_sp_keys}): an
 * RSA key and a self-signed certificate, made on first use. The certificate goes into the SP
 * metadata, so the IdP can encrypt assertions to it; the private key decrypts them and is stored
 * sealed with the environment's key. Self-signed is what SAML metadata expects: trust comes from
 * the metadata exchange, not from a CA.
 */
@Component
class SpKeys {

    /** A long life: renewing means every IdP must load new metadata (a later issue may rotate). */
    static final Duration VALIDITY = Duration.ofDays(3650);

    private static final String PURPOSE = "saml-sp-key";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The SP's certificate and private key for one provider. */
    record SpKey(X509Certificate certificate, PrivateKey privateKey) {}

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Clock clock;

    SpKeys(JdbcClient jdbc, SecretBox box, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.clock = clock;
    }

    /** The provider's key pair, made and stored now when it has none (two nodes racing keep the first). */
    SpKey of(TenantId tenant, UUID provider) {
        return load(tenant, provider).orElseGet(() -> {
            KeyPair pair = newKeyPair();
            X509Certificate certificate = selfSigned(pair, "CN=Gatehouse SAML SP " + provider, clock.instant(), VALIDITY);
            jdbc.sql("""
                    insert into saml_sp_keys (tenant_id, provider_id, certificate, sealed_private_key)
                    values (:tenant, :provider, :certificate, :sealed)
                    on conflict (tenant_id, provider_id) do nothing
                    """)
                    .param("tenant", tenant.value()).param("provider", provider)
                    .param("certificate", base64(certificate))
                    .param("sealed", box.seal(sealPurpose(tenant, provider), pair.getPrivate().getEncoded()))
                    .update();
            return load(tenant, provider).orElseThrow();
        });
    }

    private java.util.Optional<SpKey> load(TenantId tenant, UUID provider) {
        return jdbc.sql("""
                select certificate, sealed_private_key from saml_sp_keys
                where tenant_id = :tenant and provider_id = :provider
                """)
                .param("tenant", tenant.value()).param("provider", provider)
                .query((rs, row) -> new SpKey(certificate(rs.getString("certificate")),
                        privateKey(box.open(sealPurpose(tenant, provider), rs.getBytes("sealed_private_key")))))
                .optional();
    }

    /** Bound to the provider: a sealed key copied to another provider's row does not open there. */
    private static String sealPurpose(TenantId tenant, UUID provider) {
        return PURPOSE + ":" + tenant.value() + ":" + provider;
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    /**
     * A self-signed X.509 v3 certificate of {@code pair}, SHA-256 with RSA, written with
     * BouncyCastle's ASN.1 classes and signed by the JDK (the JDK has no public certificate builder).
     */
    static X509Certificate selfSigned(KeyPair pair, String distinguishedName, Instant from, Duration validity) {
        try {
            AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption,
                    DERNull.INSTANCE);
            X500Name name = new X500Name(distinguishedName);
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(63, RANDOM)));
            tbs.setSignature(algorithm);
            tbs.setIssuer(name);
            tbs.setSubject(name);
            // A minute early: an IdP whose clock is a little behind still takes it as valid.
            tbs.setStartDate(new Time(Date.from(from.minus(Duration.ofMinutes(1)))));
            tbs.setEndDate(new Time(Date.from(from.plus(validity))));
            tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
            TBSCertificate certificate = tbs.generateTBSCertificate();
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(certificate.getEncoded(ASN1Encoding.DER));
            ASN1EncodableVector whole = new ASN1EncodableVector();
            whole.add(certificate);
            whole.add(algorithm);
            whole.add(new DERBitString(signer.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(new DERSequence(whole).getEncoded(ASN1Encoding.DER)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a self-signed certificate", e);
        }
    }

    /** The DER certificate in base64, as SAML metadata's X509Certificate element holds it. */
    static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate from base64 DER (whitespace, as metadata wraps it, ignored). */
    static X509Certificate certificate(String base64) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X.509 certificate", e);
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored SP key does not load", e);
        }
    }
}
