package io.mooring.benchmarks.pool;

import io.mooring.benchmarks.StubTransport;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import java.time.Duration;

/**
 * Mooring's engine over a transport without I/O: blocking {@code acquire(destination, timeout)} and
 * {@code Lease.close()}, default settings (LIFO reuse, no meters, no leak detection).
 */
public class MooringPool extends PoolState<Lease<Object>> {
  private static final Destination DESTINATION = Destination.of("http", "localhost", 8080);
  private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MILLIS);

  private ConnectionPool<Object> pool;

  @Override
  protected void open() {
    pool =
        ConnectionPool.builder(new StubTransport())
            .settings(
                PoolSettings.builder()
                    .maxConnectionsPerDestination(connections)
                    .maxPendingAcquires(1024)
                    .build())
            .build();
  }

  @Override
  protected Lease<Object> acquire() throws Exception {
    return pool.acquire(DESTINATION, TIMEOUT);
  }

  @Override
  protected void release(Lease<Object> lease) {
    lease.close();
  }

  @Override
  protected void close() {
    pool.close();
  }
}
