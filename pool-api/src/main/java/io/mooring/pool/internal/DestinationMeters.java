package io.mooring.pool.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.mooring.pool.CloseReason;
import io.mooring.pool.ClosedBy;
import io.mooring.pool.PoolStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToIntFunction;

/**
 * The {@code mooring.*} meters of one destination. {@link #NONE} does nothing and costs nothing,
 * for pools without a registry. Meters are created up front except the closed counters, which are
 * made on first use per ({@code closed_by}, {@code reason}) pair so that a scrape shows only what
 * happened; all are removed from the registry by {@link #remove()}.
 */
class DestinationMeters {
  /** Meter names, shared with the documentation. */
  static final String CONNECTIONS = "mooring.connections";

  static final String MAX = "mooring.connections.max";
  static final String PENDING = "mooring.connections.pending";
  static final String ACQUIRE = "mooring.acquire";
  static final String OPENED = "mooring.connections.opened";
  static final String CLOSED = "mooring.connections.closed";
  static final String TIME_WAIT = "mooring.connections.timewait";
  static final String LEAKED = "mooring.leases.leaked";
  static final String CONNECT_RETRIES = "mooring.connections.connect.retries";

  /** The no-op meters. */
  static final DestinationMeters NONE = new DestinationMeters();

  /** Outcomes of an acquire, the {@code outcome} tag of {@value #ACQUIRE}. */
  enum Outcome {
    SUCCESS,
    TIMEOUT,
    REJECTED,
    FAILURE,
    CANCELLED;

    final String tag = name().toLowerCase(java.util.Locale.ROOT);
  }

  DestinationMeters() {}

  /** Whether recording costs anything; callers skip reading the clock when it does not. */
  boolean enabled() {
    return false;
  }

  void acquired(Outcome outcome, long nanos) {}

  void opened() {}

  void closed(ClosedBy by, CloseReason reason) {}

  void leaked() {}

  void connectRetried() {}

  void remove() {}

  /** Creates the meters of one destination in {@code registry}. */
  static DestinationMeters register(
      MeterRegistry registry, String pool, String destination, Partition<?> partition) {
    return new Registered(registry, Tags.of("pool", pool, "destination", destination), partition);
  }

  private static final class Registered extends DestinationMeters {
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer[] acquire = new Timer[Outcome.values().length];
    private final AtomicReferenceArray<Counter> closed =
        new AtomicReferenceArray<>(ClosedBy.values().length * CloseReason.values().length);
    private final Counter opened;
    private final Counter timeWait;
    private final Counter leaked;
    private final Counter connectRetries;

    Registered(MeterRegistry registry, Tags tags, Partition<?> partition) {
      this.registry = registry;
      this.tags = tags;
      gauge(partition, "active", PoolStats::active);
      gauge(partition, "idle", PoolStats::idle);
      gauge(partition, "connecting", PoolStats::connecting);
      gauge(partition, "retiring", PoolStats::retiring);
      meters.add(
          Gauge.builder(MAX, partition, p -> p.maxConnections())
              .tags(tags)
              .baseUnit("connections")
              .description("Live connections allowed to this destination")
              .register(registry));
      meters.add(
          Gauge.builder(PENDING, partition, p -> p.pendingCount())
              .tags(tags)
              .baseUnit("acquirers")
              .description("Acquirers waiting for a connection")
              .register(registry));
      for (Outcome o : Outcome.values()) {
        acquire[o.ordinal()] =
            keep(
                Timer.builder(ACQUIRE)
                    .tags(tags)
                    .tag("outcome", o.tag)
                    .description("Time to lease a connection, by outcome")
                    .register(registry));
      }
      opened =
          keep(
              Counter.builder(OPENED)
                  .tags(tags)
                  .baseUnit("connections")
                  .description("Connections opened")
                  .register(registry));
      timeWait =
          keep(
              Counter.builder(TIME_WAIT)
                  .tags(tags)
                  .baseUnit("connections")
                  .description("Closes that left a client TIME_WAIT socket (closed_by=local)")
                  .register(registry));
      leaked =
          keep(
              Counter.builder(LEAKED)
                  .tags(tags)
                  .baseUnit("leases")
                  .description("Leases held past the leak detection threshold")
                  .register(registry));
      connectRetries =
          keep(
              Counter.builder(CONNECT_RETRIES)
                  .tags(tags)
                  .baseUnit("attempts")
                  .description("Reconnect attempts after refused connects, within the retry budget")
                  .register(registry));
    }

    private void gauge(Partition<?> partition, String state, ToIntFunction<PoolStats> f) {
      meters.add(
          Gauge.builder(CONNECTIONS, partition, p -> f.applyAsInt(p.stats()))
              .tags(tags)
              .tag("state", state)
              .baseUnit("connections")
              .description("Connections by state")
              .register(registry));
    }

    private <M extends Meter> M keep(M meter) {
      meters.add(meter);
      return meter;
    }

    @Override
    boolean enabled() {
      return true;
    }

    @Override
    void acquired(Outcome outcome, long nanos) {
      acquire[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    void opened() {
      opened.increment();
    }

    @Override
    void closed(ClosedBy by, CloseReason reason) {
      int i = by.ordinal() * CloseReason.values().length + reason.ordinal();
      Counter c = closed.get(i);
      if (c == null) {
        c =
            Counter.builder(CLOSED)
                .tags(tags)
                .tag("closed_by", by.tag())
                .tag("reason", reason.tag())
                .baseUnit("connections")
                .description("Connections closed, by who closed first and why")
                .register(registry);
        if (closed.compareAndSet(i, null, c)) {
          synchronized (meters) {
            meters.add(c);
          }
        }
      }
      c.increment();
      if (by == ClosedBy.LOCAL) {
        timeWait.increment();
      }
    }

    @Override
    void leaked() {
      leaked.increment();
    }

    @Override
    void connectRetried() {
      connectRetries.increment();
    }

    @Override
    void remove() {
      synchronized (meters) {
        for (Meter m : meters) {
          registry.remove(m);
        }
        meters.clear();
      }
    }
  }
}
