package dev.gatehouse.server.saml;

import com.onelogin.saml2.authn.AuthnRequest;
import com.onelogin.saml2.authn.AuthnRequestParams;
import com.onelogin.saml2.exception.ValidationError;
import com.onelogin.saml2.settings.Saml2Settings;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.shared.Origin;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing in through a SAML identity provider: the AuthnRequest that sends the browser there, and
 * the response that comes back to the assertion consumer. A response counts only when java-saml
 * finds it valid for the request it answers (the RelayState names that request, once), and its
 * assertion was not seen before; every refusal is audited as a failed sign-in with a reason code.
 */
@Service
class SamlSignIns {

    private static final Logger log = LoggerFactory.getLogger(SamlSignIns.class);

    /** How long the IdP may take to answer: a user who must also type a second factor there. */
    static final Duration REQUEST_VALIDITY = Duration.ofMinutes(10);
    /** The longest an accepted assertion is remembered, whatever its own NotOnOrAfter says. */
    static final Duration MAX_REMEMBERED = Duration.ofDays(1);
    /** java-saml's allowed clock drift (Constants.ALOWED_CLOCK_DRIFT), added to what is remembered. */
    static final Duration CLOCK_DRIFT = Duration.ofSeconds(180);
    /** A base64 response larger than this is not an IdP's. */
    static final int MAX_RESPONSE_CHARS = 1024 * 1024;

    /**
     * AuthnContextClassRefs that mean the IdP checked a second factor: Entra ID and ADFS
     * ({@code multipleauthn}), the REFEDS MFA profile, and the SAML 2.0 classes for one-time
     * password tokens, mobile two-factor and PKI smartcards (a card and its PIN).
     */
    static final Set<String> MULTI_FACTOR_CLASSES = Set.of(
            "http://schemas.microsoft.com/claims/multipleauthn",
            "https://refeds.org/profile/mfa",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI");
    /** Entra ID also lists the methods used in this attribute. */
    static final String AUTHN_METHODS_ATTRIBUTE = "http://schemas.microsoft.com/claims/authnmethodsreferences";
    /** Where a username may come from: Entra's UPN claim, the uid OID, plain names. */
    static final List<String> USERNAME_ATTRIBUTES = List.of("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            "urn:oid:0.9.2342.19200300.100.1.1", "uid", "username", "userPrincipalName");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Integer, String> ERROR_NAMES = errorNames();

    /** What a response to the assertion consumer came to. */
    sealed interface Consumed {
        /** Proved by the IdP; {@code continueTo} is the one stored with the request. */
        record Proved(ExternalIdentity identity, boolean multiFactor, @Nullable String continueTo) implements Consumed {}

        /** Refused; {@code reason} is a code for the audit trail, never shown to the browser. */
        record Refused(String reason) implements Consumed {}
    }

    private final ServiceProvider serviceProvider;
    private final SamlStore store;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    SamlSignIns(ServiceProvider serviceProvider, SamlStore store, AuditLog audit,
            PlatformTransactionManager transactions, Clock clock) {
        this.serviceProvider = serviceProvider;
        this.store = store;
        this.audit = audit;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** The IdP's URL carrying a new AuthnRequest (HTTP-Redirect binding) and a one-use RelayState. */
    String start(IdentityProvider provider, @Nullable String continueTo) {
        Saml2Settings settings = serviceProvider.settings(provider);
        // No forced re-authentication, not passive, and a NameIDPolicy that lets the IdP create an identifier.
        AuthnRequest request = new AuthnRequest(settings, new AuthnRequestParams(false, false, true));
        String relayState = newRelayState();
        Instant now = clock.instant();
        store.saveRequest(provider.tenant(), provider.id(), hash(relayState), request.getId(), continueTo, now,
                now.plus(REQUEST_VALIDITY));
        String encoded;
        try {
            encoded = request.getEncodedAuthnRequest(true);
        } catch (IOException e) {
            throw new IllegalStateException("could not deflate the AuthnRequest", e);
        }
        String ssoUrl = settings.getIdpSingleSignOnServiceUrl().toString();
        return ssoUrl + (ssoUrl.contains("?") ? "&" : "?") + "SAMLRequest=" + encode(encoded) + "&RelayState="
                + encode(relayState);
    }

    /**
     * Validates what the IdP posted to the assertion consumer; audits a refusal (LOGIN_FAILED, method
     * SAML, with the reason code) in its own transaction.
     */
    Consumed consume(IdentityProvider provider, @Nullable String samlResponse, @Nullable String relayState,
            Origin origin) {
        Consumed consumed = validate(provider, samlResponse, relayState);
        if (consumed instanceof Consumed.Refused refused) {
            transactions.executeWithoutResult(status -> audit.record(provider.tenant(), "LOGIN_FAILED",
                    new AuditLog.Actor(null, null, List.of()),
                    new AuditLog.Target("identity-provider", provider.id().toString(), provider.name()),
                    origin.ip(), origin.userAgent(),
                    Map.of("method", "SAML", "provider", provider.id().toString(), "reason", refused.reason())));
        }
        return consumed;
    }

    private Consumed validate(IdentityProvider provider, @Nullable String samlResponse, @Nullable String relayState) {
        if (samlResponse == null || samlResponse.isBlank() || samlResponse.length() > MAX_RESPONSE_CHARS) {
            return new Consumed.Refused("NO_RESPONSE");
        }
        Instant now = clock.instant();
        // IdP-initiated sign-in is refused: a response must answer a request this server sent, once.
        Optional<SamlStore.SentRequest> sent = relayState == null || relayState.length() > 200 ? Optional.empty()
                : store.takeRequest(provider.tenant(), provider.id(), hash(relayState), now);
        if (sent.isEmpty()) {
            return new Consumed.Refused("UNSOLICITED");
        }
        Saml2Settings settings = serviceProvider.settings(provider);
        ReceivedResponse response;
        try {
            response = new ReceivedResponse(settings, serviceProvider.acsUrl(provider.tenantSlug(), provider.id()),
                    samlResponse);
        } catch (ValidationError e) {
            return new Consumed.Refused(name(e));
        } catch (Exception e) {
            // Not base64, not XML, a DTD or entity (XXE), an assertion that does not decrypt with our key.
            log.debug("SAML response of provider {} did not load", provider.id(), e);
            return new Consumed.Refused("MALFORMED");
        }
        if (!response.isValid(sent.get().requestId())) {
            Exception why = response.getValidationException();
            log.info("SAML response of provider {} refused: {}", provider.id(), why == null ? "?" : why.getMessage());
            return new Consumed.Refused(why instanceof ValidationError error ? name(error) : "INVALID");
        }
        try {
            String assertionId = response.getAssertionId();
            if (assertionId == null || assertionId.isBlank()) {
                return new Consumed.Refused("MISSING_ID");
            }
            if (!store.firstUse(provider.tenant(), provider.id(), assertionId, now, rememberUntil(response, now))) {
                return new Consumed.Refused("REPLAYED");
            }
            return new Consumed.Proved(identity(provider, response), multiFactor(response),
                    sent.get().continueTo());
        } catch (Exception e) {
            log.info("SAML response of provider {} refused while reading it: {}", provider.id(), e.getMessage());
            return new Consumed.Refused("INVALID");
        }
    }

    /** Until the latest NotOnOrAfter of the assertion (and the drift java-saml allows), at most a day. */
    private static Instant rememberUntil(ReceivedResponse response, Instant now) throws Exception {
        Instant until = now.plus(REQUEST_VALIDITY);
        for (org.joda.time.Instant stated : response.getAssertionNotOnOrAfter()) {
            Instant notOnOrAfter = Instant.ofEpochMilli(stated.getMillis());
            if (notOnOrAfter.isAfter(until)) {
                until = notOnOrAfter;
            }
        }
        until = until.plus(CLOCK_DRIFT);
        Instant cap = now.plus(MAX_REMEMBERED);
        return until.isAfter(cap) ? cap : until;
    }

    private static ExternalIdentity identity(IdentityProvider provider, ReceivedResponse response) throws Exception {
        SamlConfig config = SamlConfig.of(provider.config());
        String subject = response.getNameId();
        Map<String, List<String>> attributes = new LinkedHashMap<>(response.getAttributes());
        String email = first(attributes, config.emailAttributes());
        if (email == null && "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".equals(response.getNameIdFormat())) {
            email = subject;
        }
        String username = first(attributes, USERNAME_ATTRIBUTES);
        List<String> groups = new ArrayList<>();
        for (String name : config.groupsAttributes()) {
            List<String> values = attributes.get(name);
            if (values != null) {
                values.stream().filter(value -> value != null && !value.isBlank()).map(String::strip)
                        .forEach(groups::add);
            }
        }
        Map<String, List<String>> claims = new HashMap<>();
        attributes.forEach((name, values) -> claims.put(name, values.stream()
                .filter(value -> value != null).toList()));
        return new ExternalIdentity(subject, email == null ? null : email.strip().toLowerCase(Locale.ROOT),
                config.trustEmail() && email != null, username, first(attributes, config.firstNameAttributes()),
                first(attributes, config.lastNameAttributes()), List.copyOf(groups), Map.copyOf(claims));
    }

    private static boolean multiFactor(ReceivedResponse response) throws Exception {
        if (response.authnContextClasses().stream().anyMatch(MULTI_FACTOR_CLASSES::contains)) {
            return true;
        }
        List<String> methods = response.getAttributes().get(AUTHN_METHODS_ATTRIBUTE);
        return methods != null && methods.stream().anyMatch(MULTI_FACTOR_CLASSES::contains);
    }

    private static @Nullable String first(Map<String, List<String>> attributes, List<String> names) {
        for (String name : names) {
            List<String> values = attributes.get(name);
            if (values != null) {
                for (String value : values) {
                    if (value != null && !value.isBlank()) {
                        return value.strip();
                    }
                }
            }
        }
        return null;
    }

    private static String newRelayState() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String relayState) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(relayState.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String name(ValidationError error) {
        return ERROR_NAMES.getOrDefault(error.getErrorCode(), "INVALID");
    }

    /** java-saml's error codes by name (its public int constants), for the audit trail. */
    private static Map<Integer, String> errorNames() {
        Map<Integer, String> names = new HashMap<>();
        for (Field field : ValidationError.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                try {
                    names.putIfAbsent(field.getInt(null), field.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Map.copyOf(names);
    }
}
