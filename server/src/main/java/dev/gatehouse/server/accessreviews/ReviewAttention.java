package dev.gatehouse.server.accessreviews;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The home page's access review cards: for every member, the items waiting for their own decision;
 * for whoever runs campaigns ({@code access_reviews.manage}), the campaigns still open.
 */
@Component
class ReviewAttention implements Attention {

    private final JdbcClient jdbc;
    private final Access access;

    ReviewAttention(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator()) {
            return List.of();
        }
        List<Card> cards = new ArrayList<>();
        long mine = jdbc.sql("""
                        select count(*) from access_review_items i
                        join access_reviews r on r.tenant_id = i.tenant_id and r.id = i.review_id
                        where i.tenant_id = :tenant and i.reviewer_id = :me and i.decision is null and r.status = 'OPEN'
                        """)
                .param("tenant", caller.tenant().value()).param("me", caller.userId()).query(Long.class).single();
        cards.add(new Card("my-reviews", "Access for you to review", mine, "/console/reviews",
                "Keep or revoke the access you were asked to review"));
        if (access.allows(caller, "access_reviews.manage", null)) {
            long open = jdbc.sql("select count(*) from access_reviews where tenant_id = :tenant and status = 'OPEN'")
                    .param("tenant", caller.tenant().value()).query(Long.class).single();
            cards.add(new Card("open-access-reviews", "Open access reviews", open, "/console/access-reviews",
                    "Review campaigns not completed yet"));
        }
        return cards;
    }
}
