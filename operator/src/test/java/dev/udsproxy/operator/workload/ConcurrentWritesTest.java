package dev.udsproxy.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/**
 * The writes block on latches the test opens: what is checked is how many run at once and which ran, never how long
 * anything took. The waits have a bound only so that a broken bound fails the test instead of hanging it.
 */
class ConcurrentWritesTest {
    private static final long HANG = 1;

    @Test
    void atMostTheBoundRunAtOnceAndAllRunInTheEnd() throws Exception {
        int bound = 3;
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        CountDownLatch boundStarted = new CountDownLatch(bound);
        CountDownLatch release = new CountDownLatch(1);

        var result = CompletableFuture.supplyAsync(() -> new ConcurrentWrites(bound, "test").run(items, item -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            boundStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            ran.add(item);
            running.decrementAndGet();
        }));

        assertThat(boundStarted.await(HANG, TimeUnit.MINUTES)).as("%d writes at once", bound).isTrue();
        // All of them wait for the release: the others queue behind them instead of starting.
        assertThat(running).hasValue(bound);
        assertThat(ran).isEmpty();
        assertThat(result).isNotDone();

        release.countDown();
        assertThat(result.get(HANG, TimeUnit.MINUTES)).isEmpty();
        assertThat(ran).containsExactlyInAnyOrderElementsOf(items);
        assertThat(most).hasValue(bound);
        assertThat(running).hasValue(0);
    }

    @Test
    void aFailedWriteStopsNoOtherAndIsReported() {
        List<String> items = List.of("a/1", "a/2", "b/1", "b/2", "c/1");
        RuntimeException refused = new IllegalStateException("409 from the API server");
        Set<String> written = ConcurrentHashMap.newKeySet();

        // One at a time: the failure comes before later writes on the same thread, which still run.
        var failures = new ConcurrentWrites(1, "test").run(items, item -> {
            if (item.equals("a/2")) {
                throw refused;
            }
            written.add(item);
        });

        assertThat(written).containsExactlyInAnyOrder("a/1", "b/1", "b/2", "c/1");
        assertThat(failures).containsExactly(new ConcurrentWrites.Failure<>("a/2", refused));
    }

    @Test
    void everyFailureIsReportedInTheItemsOrder() {
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        AtomicInteger written = new AtomicInteger();

        var failures = new ConcurrentWrites(4, "test").run(items, item -> {
            if (item % 5 == 0) {
                throw new IllegalArgumentException("workload " + item);
            }
            written.incrementAndGet();
        });

        assertThat(written).hasValue(16);
        assertThat(failures).extracting(ConcurrentWrites.Failure::item).containsExactly(0, 5, 10, 15);
        assertThat(failures).extracting(f -> f.error().getMessage())
                .containsExactly("workload 0", "workload 5", "workload 10", "workload 15");
    }

    @Test
    void theWritesLogInTheCallersContext() {
        Set<Object> seen = ConcurrentHashMap.newKeySet();
        MDC.put("resource.name", "default");
        try {
            new ConcurrentWrites(2, "test").run(List.of(1, 2, 3), item -> seen.add(MDC.get("resource.name")));
        } finally {
            MDC.remove("resource.name");
        }
        assertThat(seen).containsExactly("default");
    }

    @Test
    void nothingToWriteStartsNothing() {
        assertThat(new ConcurrentWrites(8, "test").run(List.of(), item -> {
            throw new AssertionError("no write expected");
        })).isEmpty();
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new ConcurrentWrites(0, "test")).isInstanceOf(IllegalArgumentException.class);
    }
}
