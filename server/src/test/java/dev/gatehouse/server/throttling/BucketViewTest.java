package dev.gatehouse.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What one node lets through on its view of a shared bucket without asking the database (issue 17). */
class BucketViewTest {

    private static final long NOW = 1_000_000_000L;

    @Test
    void aFreshViewLetsThroughAtMostTheSlackAtOnce() {
        Limit limit = new Limit(30, 1);
        BucketView view = new BucketView(limit, NOW);

        assertThat(BucketView.slack(limit)).isEqualTo(3);
        assertThat(view.tryLetThrough(NOW)).isTrue();
        assertThat(view.tryLetThrough(NOW)).isTrue();
        assertThat(view.tryLetThrough(NOW)).isTrue();
        assertThat(view.tryLetThrough(NOW)).as("a fourth at once is weighed in the database").isFalse();
        view.settle();
        assertThat(view.tryLetThrough(NOW)).as("one settled, one more may go").isTrue();
        assertThat(view.unweighed()).isEqualTo(3);
    }

    @Test
    void nearEmptyNothingIsLetThroughUntilTheBucketRefills() {
        Limit limit = new Limit(3, 15);
        BucketView view = new BucketView(limit, NOW);
        view.learn(1, NOW);

        assertThat(view.tryLetThrough(NOW)).as("one token left, the slack is one").isFalse();
        long twoTokensLater = NOW + Duration.ofMinutes(10).toNanos();
        assertThat(view.tryLetThrough(twoTokensLater)).isTrue();
    }

    @Test
    void aLaterAnswerWithMoreTokensDoesNotRaiseTheView() {
        Limit limit = new Limit(20, 15);
        BucketView view = new BucketView(limit, NOW);
        view.learn(2, NOW);
        view.learn(12, NOW);

        assertThat(view.tryLetThrough(NOW)).as("2 known, less this attempt, is below the slack of 2").isFalse();
        view.gaveBack(NOW);
        view.gaveBack(NOW);
        assertThat(view.tryLetThrough(NOW)).as("4 known after two refunds").isTrue();
    }

    @Test
    void anOverdrawnBucketLetsNothingThroughUntilItsDebtIsRepaid() {
        Limit limit = new Limit(30, 1);
        BucketView view = new BucketView(limit, NOW);
        view.learn(-1, NOW);

        assertThat(view.tryLetThrough(NOW + Duration.ofSeconds(8).toNanos())).isFalse();
        assertThat(view.tryLetThrough(NOW + Duration.ofSeconds(10).toNanos())).as("4 tokens refilled less the debt")
                .isTrue();
    }
}
