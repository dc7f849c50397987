package dev.udsproxy.operator.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.MDC;

/**
 * Runs one write per item with at most {@link #inFlight} of them at once, and returns when all of them have finished,
 * with the ones that failed: a failure does not stop the others, and none is lost. What to do about the failures is
 * the caller's (it knows what the items are).
 *
 * <p>Platform threads, made for one call and gone after it. Not virtual threads: the module is built for Java 21 and
 * the image takes any 21+ runtime, and before Java 24 a virtual thread that blocks inside a {@code synchronized} block
 * pins its carrier; there are as many carriers as cores (two on the benchmark host), so a lock anywhere on the
 * client's or the logger's path could quietly cap the bound below what was asked. A few threads for the seconds of a
 * roll cost less than a pool kept for the rare profile change.
 */
public final class ConcurrentWrites {
    /** One item whose write threw, and what it threw. */
    public record Failure<T>(T item, Throwable error) {
    }

    private final int inFlight;
    private final String threadName;

    /** {@code threadName}: the prefix of the threads' names, as thread dumps show them. */
    public ConcurrentWrites(int inFlight, String threadName) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("at least one write in flight, not " + inFlight);
        }
        this.inFlight = inFlight;
        this.threadName = threadName;
    }

    /**
     * Runs {@code write} on every item, at most {@link #inFlight} at once (in the items' order as threads free up),
     * and waits for all of them.
     *
     * @return the failed writes, in the items' order; empty when all succeeded
     */
    public <T> List<Failure<T>> run(List<T> items, Consumer<? super T> write) {
        if (items.isEmpty()) {
            return List.of();
        }
        // The caller's logging context (JOSDK puts the reconciled resource there): the writes' log lines keep it, as
        // they had it when the caller wrote them itself.
        Map<String, Object> context = Objects.requireNonNullElse(MDC.getMap(), Map.of());
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(inFlight, items.size()), r -> {
            Thread t = new Thread(r, threadName + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> writes = new ArrayList<>(items.size());
            for (T item : items) {
                writes.add(pool.submit(() -> {
                    context.forEach(MDC::put);
                    try {
                        write.accept(item);
                    } finally {
                        MDC.clear();
                    }
                }));
            }
            List<Failure<T>> failures = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                try {
                    writes.get(i).get();
                } catch (ExecutionException e) {
                    failures.add(new Failure<>(items.get(i), e.getCause()));
                }
            }
            return failures;
        } catch (InterruptedException e) {
            // The caller is being stopped (the operator shuts down): the writes not started are dropped, the running
            // ones interrupted; the next leader's reconcile finds what is still to do.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + items.size() + " write(s)", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
