package dev.gatehouse.server.mail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** The operators' home card: messages the worker gave up on, which an operator may try again. */
@Component
class OutboxAttention implements Attention {

    private final OutboxReader reader;
    private final Access access;

    OutboxAttention(OutboxReader reader, Access access) {
        this.reader = reader;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (!caller.isPlatformOperator() || !access.allows(caller, OutboxDesk.PERMISSION, null)) {
            return List.of();
        }
        return List.of(new Card("failed-mail", "Mail not delivered", reader.count(null, "FAILED"),
                "/console/outbox?status=FAILED", "Messages the mail server did not take after every attempt"));
    }
}
