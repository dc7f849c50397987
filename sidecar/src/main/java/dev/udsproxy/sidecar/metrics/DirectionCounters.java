package dev.udsproxy.sidecar.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one direction. LongAdder because several event loops may count at once and a scrape only
 * reads; the hot path (bytes) costs one uncontended add per read, not per byte. The two histograms are
 * recorded once per connection (connected, closed), never per read.
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
    /** Seconds from the first connect attempt to the upstream connected (retries and DNS included). */
    public final DistributionDataPoint upstreamConnectSeconds;
    /** Seconds from accept to close of an admitted client connection. */
    public final DistributionDataPoint connectionSeconds;

    DirectionCounters(DistributionDataPoint upstreamConnectSeconds, DistributionDataPoint connectionSeconds) {
        this.upstreamConnectSeconds = upstreamConnectSeconds;
        this.connectionSeconds = connectionSeconds;
    }
}
