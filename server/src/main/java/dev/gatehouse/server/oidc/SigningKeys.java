package dev.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.gatehouse.server.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The provider's signing keys (RSA 2048 JWKs), kept in {@code oidc_signing_keys} sealed with the
 * server's key ({@link SecretBox}), so every node signs with the same key set and a copy of the
 * database alone cannot sign.
 *
 * <p>Rotation ({@code gatehouse.oidc.key-rotation}, default 30 days) is done by one node at a time
 * (a transaction-scoped advisory lock). A new key is published {@link #PUBLISH_AHEAD} before it
 * signs, so every node's JWKS (each reloads within {@link #RELOAD}) lists it before any token it
 * signed is seen; the previous key stops signing then and stays published until every token it
 * signed has expired ({@link #SIGNED_TOKENS_LIVE}, longer than any ID or access token lives).
 */
@Component
class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String PURPOSE = "oidc signing key";
    static final Duration RELOAD = Duration.ofSeconds(30);
    static final Duration PUBLISH_AHEAD = Duration.ofMinutes(2);
    /** ID tokens live 30 minutes and access tokens {@link TenantClients#ACCESS_TOKEN_TTL}; an hour covers both. */
    static final Duration SIGNED_TOKENS_LIVE = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration rotation;

    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.EPOCH);

    /** The published keys, newest first, and when they were read. */
    private record Snapshot(List<Stored> keys, Instant readAt) {}

    private record Stored(JWK jwk, Instant createdAt) {}

    SigningKeys(JdbcClient jdbc, SecretBox box, TransactionTemplate transactions, Clock clock,
            @Value("${gatehouse.oidc.key-rotation:P30D}") Duration rotation) {
        if (rotation.compareTo(Duration.ofHours(2)) < 0) {
            throw new IllegalArgumentException("gatehouse.oidc.key-rotation must be at least two hours (a retired"
                    + " key is published for an hour after it stops signing); got " + rotation);
        }
        this.jdbc = jdbc;
        this.box = box;
        this.transactions = transactions;
        this.clock = clock;
        this.rotation = rotation;
    }

    /** The keys every relying party may verify with: the JWKS, public parts only. */
    JWKSet published() {
        return new JWKSet(current().keys().stream().map(stored -> stored.jwk().toPublicJWK()).toList());
    }

    /** The key that signs now: the newest one published for at least {@link #PUBLISH_AHEAD}, else the oldest. */
    JWK signing() {
        List<Stored> keys = current().keys();
        if (keys.isEmpty()) {
            rotate(true);
            keys = reload().keys();
        }
        Instant ripe = clock.instant().minus(PUBLISH_AHEAD);
        for (Stored key : keys) {
            if (!key.createdAt().isAfter(ripe)) {
                return key.jwk();
            }
        }
        return keys.getLast().jwk();
    }

    /**
     * Makes the first key, or the next one when the newest is older than the rotation period; left
     * to another node that is doing it now.
     */
    @Scheduled(initialDelayString = "PT0S", fixedDelayString = "${gatehouse.oidc.key-check:PT1H}")
    void rotateIfDue() {
        rotate(false);
    }

    /**
     * Rotates under the advisory lock. A node that must sign and finds no key at all ({@code wait})
     * waits for the lock instead of giving up: on a fresh database another node may be making the
     * first key right now, and giving up would leave this node nothing to sign with. Holding the
     * lock, it reads again, so the first key is made once and the waiter signs with it.
     */
    private void rotate(boolean wait) {
        transactions.executeWithoutResult(status -> {
            if (wait) {
                jdbc.sql("select pg_advisory_xact_lock(hashtext('oidc_signing_keys'))").query().singleValue();
            } else if (!jdbc.sql("select pg_try_advisory_xact_lock(hashtext('oidc_signing_keys'))")
                    .query(Boolean.class).single()) {
                return;
            }
            Instant now = clock.instant();
            jdbc.sql("delete from oidc_signing_keys where publish_until < :now").param("now", Timestamp.from(now))
                    .update();
            Instant newest = jdbc.sql("select max(created_at) from oidc_signing_keys where retired_at is null")
                    .query(Timestamp.class).optional().map(Timestamp::toInstant).orElse(null);
            if (newest != null && newest.plus(rotation).isAfter(now)) {
                return;
            }
            Instant stopsSigning = newest == null ? now : now.plus(PUBLISH_AHEAD);
            jdbc.sql("""
                    update oidc_signing_keys set retired_at = :stops, publish_until = :until
                    where retired_at is null
                    """)
                    .param("stops", Timestamp.from(stopsSigning))
                    .param("until", Timestamp.from(stopsSigning.plus(SIGNED_TOKENS_LIVE))).update();
            RSAKey key = generate();
            jdbc.sql("insert into oidc_signing_keys (kid, sealed_jwk, created_at) values (:kid, :sealed, :now)")
                    .param("kid", key.getKeyID())
                    .param("sealed", box.seal(PURPOSE, key.toJSONString().getBytes(StandardCharsets.UTF_8)))
                    .param("now", Timestamp.from(now)).update();
            log.info("OpenID Connect signing key {} made; it signs from {}", key.getKeyID(), stopsSigning);
        });
        reload();
    }

    private Snapshot current() {
        Snapshot seen = snapshot;
        return seen.readAt().plus(RELOAD).isBefore(clock.instant()) ? reload() : seen;
    }

    private synchronized Snapshot reload() {
        List<Stored> keys = new ArrayList<>();
        jdbc.sql("""
                select kid, sealed_jwk, created_at from oidc_signing_keys
                where publish_until is null or publish_until > :now
                order by created_at desc
                """)
                .param("now", Timestamp.from(clock.instant()))
                .query((rs, n) -> {
                    try {
                        keys.add(new Stored(JWK.parse(new String(box.open(PURPOSE, rs.getBytes("sealed_jwk")),
                                StandardCharsets.UTF_8)), rs.getTimestamp("created_at").toInstant()));
                    } catch (ParseException e) {
                        throw new IllegalStateException("stored signing key " + rs.getString("kid") + " is not a JWK", e);
                    }
                    return null;
                }).list();
        snapshot = new Snapshot(List.copyOf(keys), clock.instant());
        return snapshot;
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }
}
