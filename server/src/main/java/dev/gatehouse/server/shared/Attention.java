package dev.gatehouse.server.shared;

import java.time.Instant;
import java.util.List;

/**
 * What waits for a person on the console's home page (issue 16): each feature that owns something to
 * review or act on says how many there are, only to a caller who may see them (asked of the engine,
 * as the feature's own screen asks). The console collects every bean of this type, so it depends on
 * no feature for it, and features the console may not reach (alerts) still contribute.
 */
public interface Attention {

    /**
     * The cards for {@code caller} at {@code now}; none for what the caller may not see. A card with a
     * count of 0 is checked and clear: the home page then says so instead of showing it.
     */
    List<Card> cardsFor(Caller caller, Instant now);

    /**
     * One kind of waiting item: how many, what they are in a manager's words, and the screen that lists
     * them; {@code countIsLowerBound} when counting stopped at {@code count} (there are more), as a list's
     * {@code totalIsLowerBound} says.
     */
    record Card(String id, String title, long count, String link, String hint, boolean countIsLowerBound) {

        /** A card whose count is exact. */
        public Card(String id, String title, long count, String link, String hint) {
            this(id, title, count, link, hint, false);
        }

        /** The count as the home page shows it: "10,000+" when counting stopped there. */
        public String shownCount() {
            return countIsLowerBound ? String.format(java.util.Locale.ROOT, "%,d+", count) : Long.toString(count);
        }
    }
}
