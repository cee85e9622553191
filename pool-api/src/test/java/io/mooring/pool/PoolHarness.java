package io.mooring.pool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.FakeTransport.FakeConnection;
import io.mooring.pool.internal.DefaultConnectionPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** A pool over a {@link FakeTransport} with a fake clock, a manual scheduler and a registry. */
final class PoolHarness implements AutoCloseable {
  static final Destination A = Destination.of("http", "a.example", 80);
  static final Destination B = Destination.of("http", "b.example", 80);

  final FakeTicker ticker = new FakeTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final FakeTransport transport = new FakeTransport();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final DefaultConnectionPool<FakeConnection> pool;

  PoolHarness() {
    this(b -> b);
  }

  PoolHarness(UnaryOperator<PoolSettings.Builder> settings) {
    pool =
        (DefaultConnectionPool<FakeConnection>)
            ConnectionPool.builder(transport)
                .settings(settings.apply(PoolSettings.builder().name("test")).build())
                .meterRegistry(registry)
                .ticker(ticker)
                .scheduler(scheduler)
                // Completes waiting acquirers on the thread that serves them, so that tests see a
                // future completed when the call that served it returns; tests of the executor
                // itself build their own pool.
                .executor(Runnable::run)
                .build();
  }

  /** Acquires and insists that the lease is there at once. */
  Lease<FakeConnection> lease(Destination d) {
    CompletableFuture<Lease<FakeConnection>> f = pool.acquire(d);
    if (!f.isDone()) {
      throw new AssertionError("acquire of " + d + " did not complete at once: " + pool.stats(d));
    }
    return f.join();
  }

  /** Moves time and runs housekeeping at the new time. */
  void advance(Duration d) {
    scheduler.advance(d);
    pool.maintain(ticker.nanoTime());
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  double gauge(String name, String... tags) {
    var g = registry.find(name).tags(tags).gauge();
    if (g == null) {
      throw new AssertionError("no gauge " + name + " " + String.join(",", tags));
    }
    return g.value();
  }

  @Override
  public void close() {
    pool.closeAsync();
  }
}
