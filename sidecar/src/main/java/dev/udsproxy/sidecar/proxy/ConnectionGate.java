package dev.udsproxy.sidecar.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/** The max-connections limit, shared by all listeners (and so by all event loops). */
public final class ConnectionGate {
    private final AtomicInteger open = new AtomicInteger();
    private final int max;

    public ConnectionGate(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }
}
