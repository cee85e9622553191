package io.mooring.benchmarks.pool;

import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.pool.ManagedConnPool;
import org.apache.hc.core5.pool.PoolEntry;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpCore 5's connection pools, the ones Apache HttpClient 5 leases from: {@code
 * lease(route, null, timeout, null).get(timeout)} as HttpClient calls it, a stub connection
 * assigned to a new entry, and {@code release(entry, true)}. Subclasses pick the pool: {@link
 * Strict} or {@link Lax}.
 */
public abstract class ApachePool extends PoolState<PoolEntry<String, ApachePool.StubConnection>> {
  private static final Timeout TIMEOUT = Timeout.ofMilliseconds(TIMEOUT_MILLIS);

  private ManagedConnPool<String, StubConnection> pool;

  /** Builds the pool with {@code maxPerRoute} entries allowed for the route. */
  protected abstract ManagedConnPool<String, StubConnection> create(int maxPerRoute);

  @Override
  protected void open() {
    pool = create(connections);
  }

  @Override
  protected PoolEntry<String, StubConnection> acquire() throws Exception {
    PoolEntry<String, StubConnection> entry =
        pool.lease(ROUTE, null, TIMEOUT, null).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (!entry.hasConnection()) {
      entry.assignConnection(new StubConnection());
    }
    return entry;
  }

  @Override
  protected void release(PoolEntry<String, StubConnection> entry) {
    pool.release(entry, true);
  }

  @Override
  protected void close() {
    pool.close(CloseMode.IMMEDIATE);
  }

  /** {@code StrictConnPool}: per-route and total limits, one lock. */
  public static class Strict extends ApachePool {
    @Override
    protected ManagedConnPool<String, StubConnection> create(int maxPerRoute) {
      return new org.apache.hc.core5.pool.StrictConnPool<>(maxPerRoute, maxPerRoute);
    }
  }

  /** {@code LaxConnPool}: per-route limit only, concurrent structures instead of one lock. */
  public static class Lax extends ApachePool {
    @Override
    protected ManagedConnPool<String, StubConnection> create(int maxPerRoute) {
      return new org.apache.hc.core5.pool.LaxConnPool<>(maxPerRoute);
    }
  }

  /** A connection without I/O. */
  public static final class StubConnection implements ModalCloseable {
    @Override
    public void close(CloseMode closeMode) {}

    @Override
    public void close() {}
  }
}
