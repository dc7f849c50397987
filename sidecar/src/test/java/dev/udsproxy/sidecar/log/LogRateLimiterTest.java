package dev.udsproxy.sidecar.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final LogRateLimiter<String> limiter = new LogRateLimiter<>(3, 10 * SECOND);

    @Test
    void writesTheFirstLinesOfAWindowThenCountsTheRest() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit("absent", i * SECOND)).isEqualTo(new LogRateLimiter.Admission(true, 0));
        }
        for (int i = 3; i < 10; i++) {
            assertThat(limiter.admit("absent", i * SECOND).write()).isFalse();
        }
        // Another key has its own budget.
        assertThat(limiter.admit("refused", 5 * SECOND).write()).isTrue();
    }

    @Test
    void theNextWindowReportsWhatTheLastOneSuppressed() {
        for (int i = 0; i < 5; i++) {
            limiter.admit("absent", 0);
        }
        assertThat(limiter.admit("absent", 10 * SECOND)).isEqualTo(new LogRateLimiter.Admission(true, 2));
        assertThat(limiter.admit("absent", 11 * SECOND)).isEqualTo(new LogRateLimiter.Admission(true, 0));
    }

    @Test
    void expireSummarisesEndedWindowsOnceAndForgetsTheirKeys() {
        for (int i = 0; i < 7; i++) {
            limiter.admit("absent", 0);
        }
        limiter.admit("refused", 0);
        limiter.admit("timeout", 5 * SECOND);

        assertThat(limiter.expire(9 * SECOND)).isEmpty();
        assertThat(limiter.expire(10 * SECOND)).containsExactly(new LogRateLimiter.Suppressed<>("absent", 4));
        assertThat(limiter.expire(20 * SECOND)).isEmpty(); // "timeout" ended without suppressing anything
        // A forgotten key starts afresh: nothing left over to report.
        assertThat(limiter.admit("absent", 21 * SECOND)).isEqualTo(new LogRateLimiter.Admission(true, 0));
    }
}
