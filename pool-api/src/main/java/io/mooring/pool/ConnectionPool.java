package io.mooring.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.pool.internal.CompletionExecutor;
import io.mooring.pool.internal.DefaultConnectionPool;
import io.mooring.pool.ports.PortMonitor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Pooled connections, kept alive per {@link Destination}, closed by the peer wherever possible.
 *
 * <p>Thread safe. The pool owns every connection it opened: callers only ever hold {@link Lease}s
 * and must close each one. {@link #close()} closes the pool and, under its {@link ClosePolicy},
 * every connection; it does not close the {@link Transport}, which belongs to whoever made it.
 *
 * <pre>{@code
 * try (ConnectionPool<Channel> pool = ConnectionPool.builder(transport).build();
 *     Lease<Channel> lease = pool.acquire(Destination.of("http", "localhost", 8080), timeout)) {
 *   exchange(lease.connection());
 * }
 * }</pre>
 *
 * @param <C> the connection type of the transport
 */
public interface ConnectionPool<C> extends AutoCloseable {

  /** Starts a pool over {@code transport}, with default settings until changed. */
  static <C> Builder<C> builder(Transport<C> transport) {
    return new Builder<>(transport);
  }

  /**
   * Leases a connection to {@code destination}: an idle one if there is any, else a new one if the
   * limits allow, else the first one returned after the acquirers ahead of this one. Never blocks.
   *
   * <p>The future fails with {@link AcquireTimeoutException} after {@link
   * PoolSettings#acquireTimeout()}, {@link PendingAcquireLimitException} at once when too many
   * acquirers wait already, {@link ConnectFailedException} when opening the connection failed, and
   * {@link PoolClosedException} once the pool is closed. Cancelling the future withdraws the
   * acquirer.
   */
  CompletableFuture<Lease<C>> acquire(Destination destination);

  /**
   * Leases a connection, waiting at most {@code timeout}. Same rules as {@link
   * #acquire(Destination)}, failures thrown rather than returned.
   *
   * @throws InterruptedException if interrupted while waiting; the acquirer is withdrawn
   */
  Lease<C> acquire(Destination destination, Duration timeout)
      throws IOException, InterruptedException;

  /** A snapshot of one destination's connections and waiters. */
  PoolStats stats(Destination destination);

  /**
   * Every destination the pool holds now (those with connections or waiters, and those used
   * recently enough not to have been removed), each with its counts and the server idle timeout the
   * pool works with, in the order of {@link Destination#toString()}. Taken without stopping the
   * pool, as {@link #stats(Destination)}; for monitoring, not for the request path.
   */
  List<DestinationSnapshot> snapshot();

  /** The settings this pool was built with. */
  PoolSettings settings();

  /**
   * The {@code pool} tag of this pool's meters: {@link PoolSettings#name()} when it was set, else
   * the first of {@code mooring}, {@code mooring-2}, ... that no other open pool in this JVM had
   * when this one was built. Held until the pool's close completes.
   */
  default String name() {
    return settings().name();
  }

  /**
   * Closes the pool without waiting: acquires fail from now on, waiters fail, idle connections are
   * closed under the policy, and leased ones when their lease closes or the grace period ends. The
   * future completes once every connection is closed.
   */
  CompletableFuture<Void> closeAsync();

  /**
   * Closes the pool and waits until every connection is closed, at most {@link
   * PoolSettings#shutdownGracePeriod()} plus {@link PoolSettings#retirementTimeout()}.
   */
  @Override
  void close();

  /**
   * Configures and builds a {@link ConnectionPool}. Not thread safe; every setting is optional
   * except the transport.
   *
   * @param <C> the connection type
   */
  final class Builder<C> {
    private final Transport<C> transport;
    private PoolSettings settings = PoolSettings.defaults();
    private MeterRegistry meterRegistry;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private PortMonitor portMonitor;
    private Executor executor;

    private Builder(Transport<C> transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** The settings; default {@link PoolSettings#defaults()}. */
    public Builder<C> settings(PoolSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Where the pool registers its {@code mooring.*} meters; none by default, and then no meter
     * costs anything. The pool removes the meters of destinations it removes and all of its meters
     * when closed.
     */
    public Builder<C> meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** The time source; default {@link Ticker#system()}. Tests pass a fake one. */
    public Builder<C> ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Runs the pool's timers (acquire timeouts, housekeeping); default a shared daemon thread.
     * Tests pass a manual one.
     */
    public Builder<C> scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The kernel's view of ephemeral ports, for back-pressure and clear errors: the pool watches
     * each destination's remote address, stops opening new connections to a destination over the
     * monitor's high-water mark while it has pooled ones to wait for, and turns EADDRNOTAVAIL into
     * a {@link io.mooring.pool.ports.PortExhaustedException} that explains it. The pool neither
     * starts nor closes the monitor.
     */
    public Builder<C> portMonitor(PortMonitor monitor) {
      this.portMonitor = Objects.requireNonNull(monitor, "portMonitor");
      return this;
    }

    /**
     * Where the futures of {@link ConnectionPool#acquire(Destination)} that had to wait are
     * completed, so that the caller's dependent actions never run on a transport's event loop, on
     * the scheduler's thread, or inside the pool's hand-off of connections. Default: daemon threads
     * shared by all pools, started as needed and ended after a minute idle, so that a dependent
     * action that blocks holds up only its own thread. A direct executor ({@code Runnable::run})
     * saves a thread hop, for callers whose dependent actions never block. If the executor rejects
     * a task, the future is completed on the engine's thread rather than stranded. Blocking
     * acquires never use it. The pool does not shut it down.
     */
    public Builder<C> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the pool; it opens no connection until the first acquire.
     *
     * @throws IllegalStateException if the settings name a pool that is open on the same meter
     *     registry (see {@link PoolSettings#name()})
     */
    public ConnectionPool<C> build() {
      return new DefaultConnectionPool<>(
          transport,
          settings,
          meterRegistry,
          ticker,
          scheduler != null ? scheduler : Scheduler.system(),
          portMonitor,
          executor != null ? executor : CompletionExecutor.INSTANCE);
    }
  }
}
