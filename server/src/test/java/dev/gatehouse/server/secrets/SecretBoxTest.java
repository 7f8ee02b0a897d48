package dev.gatehouse.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is sealed opens only with the same key and for the same purpose, and reveals nothing without it. */
class SecretBoxTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = "another thirty-two byte key 1234".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensWhatItSealedAndNothingElse() {
        SecretBox box = SecretBox.of(KEY);
        byte[] plain = "{\"d\":\"a private exponent\"}".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = box.seal("oidc signing key", plain);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("private exponent");
        assertThat(box.open("oidc signing key", sealed)).isEqualTo(plain);
        assertThat(box.seal("oidc signing key", plain)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> SecretBox.of(OTHER_KEY).open("oidc signing key", sealed))
                .isInstanceOf(SecretBox.SealBroken.class);
        assertThatThrownBy(() -> box.open("oidc authorization", sealed)).isInstanceOf(SecretBox.SealBroken.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open("oidc signing key", sealed)).isInstanceOf(SecretBox.SealBroken.class);
    }

    @Test
    void withoutAConfiguredKeyGeneratesOneReadableByItsOwnerOnlyAndKeepsIt(@TempDir Path data) throws Exception {
        SecretBox first = new SecretBox("", data.toString());
        byte[] sealed = first.seal("p", new byte[] {1, 2, 3});

        Path file = data.resolve("key.secret");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(new SecretBox("", data.toString()).open("p", sealed)).containsExactly(1, 2, 3);
    }

    @Test
    void refusesAKeyThatIsNotThirtyTwoBytes() {
        assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[16]), "."))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new SecretBox("not base64 !", "."))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GATEHOUSE_SECRET_KEY");
    }
}
