package dev.gatehouse.server.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts what Gatehouse must store but read back (signing keys, OAuth authorizations holding
 * tokens) with AES-256-GCM under the operator's key {@code GATEHOUSE_SECRET_KEY} (base64 of 32
 * bytes): a copy of the database without the key reveals none of it, and a row altered or moved
 * to another purpose fails to open ({@code purpose} is the associated data, so a signing key's
 * ciphertext cannot be opened as an authorization). Every node must be given the same key.
 *
 * <p>Unset, the key is generated once into the data folder ({@code key.secret}, mode 0600) and a
 * warning says so: the README's run command works with no configuration, but a production
 * operator sets the variable (and keeps the key out of the database's backups).
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** The first byte of every sealed value: the format, so a later one can be told apart. */
    private static final byte VERSION = 1;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(@Value("${gatehouse.secret-key:}") String configured,
            @Value("${gatehouse.data-dir:./data}") String dataDir) {
        this.key = new SecretKeySpec(configured.isBlank() ? generatedIn(Path.of(dataDir)) : decoded(configured), "AES");
    }

    /** A box over a given key, for tests and tools. */
    public static SecretBox of(byte[] key) {
        return new SecretBox(Base64.getEncoder().encodeToString(key), ".");
    }

    /** {@code plain} encrypted for {@code purpose}: version, nonce, ciphertext and tag. */
    public byte[] seal(String purpose, byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The plain bytes of a value {@link #seal sealed} for {@code purpose}.
     *
     * @throws SealBroken when it was sealed under another key or purpose, or altered
     */
    public byte[] open(String purpose, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES || sealed[0] != VERSION) {
            throw new SealBroken("not a sealed value of this version");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException wrongKeyOrAltered) {
            throw new SealBroken("the value does not open with this server's key (GATEHOUSE_SECRET_KEY) for "
                    + purpose);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** A sealed value that does not open: another key, another purpose, or tampering. */
    public static final class SealBroken extends RuntimeException {
        SealBroken(String message) {
            super(message);
        }
    }

    private static byte[] decoded(String configured) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("GATEHOUSE_SECRET_KEY must be base64 of 32 random bytes"
                    + " (e.g. `openssl rand -base64 32`)", e);
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("GATEHOUSE_SECRET_KEY must be base64 of exactly 32 bytes; it has "
                    + key.length);
        }
        return key;
    }

    /** The data folder's generated key, made on first start; readable by the server's user only. */
    private static byte[] generatedIn(Path dataDir) {
        Path file = dataDir.resolve("key.secret");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] key = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(key);
                Path written = Files.createTempFile(dataDir, "key", ".tmp");
                try {
                    Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    log.warn("{} cannot be made readable by this user only on this file system", file);
                }
                Files.writeString(written, Base64.getEncoder().encodeToString(key), StandardOpenOption.WRITE);
                try {
                    Files.move(written, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException anotherNodeWroteIt) {
                    Files.deleteIfExists(written);
                }
            }
            log.warn("GATEHOUSE_SECRET_KEY is not set: signing keys and OAuth authorizations are encrypted with the"
                    + " key generated in {}. Every node must share one key: set GATEHOUSE_SECRET_KEY (base64 of 32"
                    + " bytes) in production and keep it out of the database's backups.", file.toAbsolutePath());
            return decoded(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the generated secret key " + file, e);
        }
    }
}
