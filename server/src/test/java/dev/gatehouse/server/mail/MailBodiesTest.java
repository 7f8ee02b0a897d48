package dev.gatehouse.server.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A queued message's text opens for that message and recipient, under the key it was sealed with, only. */
class MailBodiesTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = "another thirty-two byte key 1234".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensForItsOwnMessageAndRecipientOnlyAndHoldsNoLinkInClear() {
        MailBodies bodies = new MailBodies(SecretBox.of(KEY));
        UUID id = UUID.randomUUID();
        String body = "Set your password: https://id.example/console/invitation?token=live-one-use-token";

        byte[] sealed = bodies.seal(id, "ann@example.com", body);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("live-one-use-token");
        assertThat(bodies.open(id, "ann@example.com", sealed)).isEqualTo(body);
        assertThatThrownBy(() -> bodies.open(UUID.randomUUID(), "ann@example.com", sealed))
                .as("copied onto another message").isInstanceOf(SecretBox.SealBroken.class);
        assertThatThrownBy(() -> bodies.open(id, "mallory@example.com", sealed))
                .as("its recipient changed in the table").isInstanceOf(SecretBox.SealBroken.class);
        assertThatThrownBy(() -> new MailBodies(SecretBox.of(OTHER_KEY)).open(id, "ann@example.com", sealed))
                .as("another server's key").isInstanceOf(SecretBox.SealBroken.class);
    }
}
