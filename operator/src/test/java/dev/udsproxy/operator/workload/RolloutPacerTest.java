package dev.udsproxy.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.RolloutMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutPacerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final List<String> FIVE = List.of("a/1", "a/2", "b/1", "b/2", "c/1");

    @Test
    void manualRollsNothingAndCountsEveryOutdatedWorkload() {
        var plan = new RolloutPacer().plan(FIVE, RolloutMode.MANUAL, 100, T0);
        assertThat(plan.roll()).isEmpty();
        assertThat(plan.waiting()).isEqualTo(5);
        assertThat(plan.retryAfter()).as("nothing to wait for: the user restarts them").isNull();
    }

    @Test
    void zeroMeansNoPaceAtAll() {
        var plan = new RolloutPacer().plan(FIVE, RolloutMode.AUTO, 0, T0);
        assertThat(plan.roll()).containsExactlyElementsOf(FIVE);
        assertThat(plan.waiting()).isZero();
        assertThat(plan.retryAfter()).isNull();
    }

    @Test
    void theBudgetIsPerMinuteAndTheFirstInOrderGoFirst() {
        RolloutPacer pacer = new RolloutPacer();
        var first = pacer.plan(FIVE, RolloutMode.AUTO, 2, T0);
        assertThat(first.roll()).containsExactly("a/1", "a/2");
        assertThat(first.waiting()).isEqualTo(3);
        assertThat(first.retryAfter()).isEqualTo(Duration.ofMinutes(1));

        // 30 s later the window is still full: nothing rolls, the retry is when the first slot frees.
        var full = pacer.plan(FIVE.subList(2, 5), RolloutMode.AUTO, 2, T0.plusSeconds(30));
        assertThat(full.roll()).isEmpty();
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(30));

        var next = pacer.plan(FIVE.subList(2, 5), RolloutMode.AUTO, 2, T0.plusSeconds(60));
        assertThat(next.roll()).containsExactly("b/1", "b/2");
        var last = pacer.plan(FIVE.subList(4, 5), RolloutMode.AUTO, 2, T0.plusSeconds(120));
        assertThat(last.roll()).containsExactly("c/1");
        assertThat(last.waiting()).isZero();
        assertThat(last.retryAfter()).isNull();
    }

    @Test
    void theDefaultIsTwentyAMinute() {
        List<Integer> many = java.util.stream.IntStream.range(0, 50).boxed().toList();
        var plan = new RolloutPacer().plan(many, RolloutMode.AUTO, null, T0);
        assertThat(plan.roll()).hasSize(RolloutPacer.DEFAULT_MAX_WORKLOADS_PER_MINUTE).hasSize(20);
        assertThat(plan.waiting()).isEqualTo(30);
    }
}
