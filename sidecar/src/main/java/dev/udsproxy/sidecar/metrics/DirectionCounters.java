package dev.udsproxy.sidecar.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one direction. LongAdder because several event loops may count at once and a scrape only
 * reads; the hot path (bytes) costs one uncontended add per read, not per byte.
 */
public final class DirectionCounters {
    public final LongAdder opened = new LongAdder();
    public final LongAdder active = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder connectRetries = new LongAdder();
    /** From the accepting side's client towards the upstream. */
    public final LongAdder bytesToUpstream = new LongAdder();
    /** From the upstream back to the client. */
    public final LongAdder bytesToClient = new LongAdder();
    public final LongAdder idleClosed = new LongAdder();
    public final LongAdder resets = new LongAdder();
}
