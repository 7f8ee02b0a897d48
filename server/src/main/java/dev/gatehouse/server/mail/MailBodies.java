package dev.gatehouse.server.mail;

import dev.gatehouse.server.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A queued message's text at rest: sealed with the server's key ({@link SecretBox}, AES-256-GCM under
 * {@code GATEHOUSE_SECRET_KEY}) before it is written, since invitation, reset and break-glass mails
 * carry a live one-use link, and a copy of the database or a backup must not hand it over. The
 * purpose names the message and its recipient: a sealed text copied onto another message, or a
 * message whose recipient was changed in the table, does not open (and so is never sent).
 */
@Component
class MailBodies {

    static final String PURPOSE = "mail-outbox-body";

    private final SecretBox box;

    MailBodies(SecretBox box) {
        this.box = box;
    }

    byte[] seal(UUID id, String recipient, String body) {
        return box.seal(purpose(id, recipient), body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The text sealed for that message and recipient.
     *
     * @throws SecretBox.SealBroken when it was sealed under another key, for another message or recipient,
     *     or altered
     */
    String open(UUID id, String recipient, byte[] sealed) {
        return new String(box.open(purpose(id, recipient), sealed), StandardCharsets.UTF_8);
    }

    private static String purpose(UUID id, String recipient) {
        return PURPOSE + ":" + id + ":" + recipient;
    }
}
