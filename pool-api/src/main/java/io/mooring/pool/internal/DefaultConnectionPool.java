package io.mooring.pool.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.pool.CloseReason;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.DestinationSnapshot;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolClosedException;
import io.mooring.pool.PoolException;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.PoolStats;
import io.mooring.pool.Scheduler;
import io.mooring.pool.Ticker;
import io.mooring.pool.Transport;
import io.mooring.pool.internal.DestinationMeters.Outcome;
import io.mooring.pool.ports.PortMonitor;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pool engine: a Caffeine cache of {@link Partition}s, one per destination, a total limit
 * across them, and the housekeeper that drives every timer.
 *
 * <p>Housekeeping is {@link #maintain(long)}: given the time, it does what is due and returns the
 * next deadline. The housekeeper task only calls it and reschedules itself, so tests drive time by
 * hand.
 */
public final class DefaultConnectionPool<C> implements ConnectionPool<C> {
  private static final System.Logger LOG = System.getLogger(DefaultConnectionPool.class.getName());
  private static final long MIN_HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_HOUSEKEEPING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Transport<C> transport;
  private final PoolSettings settings;
  private final MeterRegistry registry;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final PortMonitor portMonitor;
  private final Executor executor;
  private final String name;
  private final Cache<Destination, Partition<C>> partitions;
  private final AtomicInteger total = new AtomicInteger();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /** Completes after {@link #terminated}, once the meters are removed and the name given back. */
  private final CompletableFuture<Void> closed;

  private volatile boolean closing;
  private volatile long graceDeadline;

  /** When the housekeeper runs next; guarded by {@code this} together with the task handle. */
  private final AtomicLong housekeeperDue = new AtomicLong(Long.MAX_VALUE);

  private Scheduler.Cancellable housekeeper;

  /**
   * Builds a pool; prefer {@link ConnectionPool#builder}. {@code registry} and {@code portMonitor}
   * may be null; {@code executor} completes the futures of asynchronous acquirers that waited.
   *
   * @throws IllegalStateException if the settings' explicit name is held by another open pool on
   *     {@code registry}
   */
  public DefaultConnectionPool(
      Transport<C> transport,
      PoolSettings settings,
      MeterRegistry registry,
      Ticker ticker,
      Scheduler scheduler,
      PortMonitor portMonitor,
      Executor executor) {
    this.portMonitor = portMonitor;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registry = registry;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.name = PoolNames.claim(settings, registry);
    this.partitions =
        Caffeine.newBuilder()
            .maximumSize(settings.maxDestinations())
            .executor(Runnable::run)
            .<Destination, Partition<C>>removalListener(
                (d, p, cause) -> {
                  if (p != null) {
                    onRemoved(p, cause);
                  }
                })
            .build();
    this.closed =
        terminated.whenComplete(
            (v, e) -> {
              partitions.invalidateAll();
              PoolNames.release(name, settings.isDefaultName(), registry);
            });
    wakeHousekeeperBy(ticker.nanoTime() + MAX_HOUSEKEEPING_NANOS);
  }

  @Override
  public CompletableFuture<Lease<C>> acquire(Destination destination) {
    return acquire(destination, settings.acquireTimeout().toNanos());
  }

  /**
   * Acquires with a timer of {@code timeoutNanos} on the scheduler, or, for {@code timeoutNanos <
   * 0}, with no timer: a blocking caller times its own wait, which spares the scheduler's queue and
   * thread a wake-up per waiting acquire.
   */
  private CompletableFuture<Lease<C>> acquire(Destination destination, long timeoutNanos) {
    Objects.requireNonNull(destination, "destination");
    for (; ; ) {
      Partition<C> p = partition(destination);
      long now = ticker.nanoTime();
      DefaultLease<C> lease = leaseIdle(p, now);
      if (lease != null) {
        return CompletableFuture.completedFuture(lease);
      }
      CompletableFuture<Lease<C>> f = p.acquireSlow(now, timeoutNanos);
      if (f != null) {
        return f;
      }
      // The partition was removed between the lookup and the acquire: look it up again.
    }
  }

  /**
   * The fast path: an idle connection, unless acquirers already wait for one and the oldest is past
   * its barging window.
   */
  private DefaultLease<C> leaseIdle(Partition<C> p, long now) {
    if (p.pendingCount() != 0 && !p.mayBarge(now)) {
      return null;
    }
    DefaultLease<C> lease = p.pollIdle(now);
    if (lease != null) {
      DestinationMeters m = p.meters;
      if (m.enabled()) {
        m.acquired(Outcome.SUCCESS, ticker.nanoTime() - now);
      }
    }
    return lease;
  }

  @Override
  public Lease<C> acquire(Destination destination, Duration timeout)
      throws IOException, InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "acquire timeout is " + timeout + "; expected more than PT0S");
    }
    Objects.requireNonNull(destination, "destination");
    if (!closing) {
      DefaultLease<C> lease = leaseIdle(partition(destination), ticker.nanoTime());
      if (lease != null) {
        return lease; // no future needed
      }
    }
    CompletableFuture<Lease<C>> f = acquire(destination, -1);
    long timeoutNanos = timeout.toNanos();
    try {
      if (f instanceof Waiter<C> w && !w.inTurn) {
        timeoutNanos -= awaitWindow(w, timeoutNanos);
      }
      f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (f instanceof Waiter<C> w) {
        w.partition.timeout(w); // unless a lease won the race: then done() returns it
      }
    } catch (InterruptedException e) {
      withdraw(f);
      throw e;
    } catch (ExecutionException e) {
      // done() rethrows the cause
    }
    return done(destination, f);
  }

  /**
   * Parks a blocking waiter for its barging window (at most its timeout), then puts it in turn if
   * it was not served meanwhile. Returns the nanoseconds it waited.
   */
  private long awaitWindow(Waiter<C> w, long timeoutNanos) throws InterruptedException {
    long window = Math.min(settings.bargingWindow().toNanos(), timeoutNanos);
    long start = System.nanoTime();
    if (!w.awaitWindow(window)) {
      w.partition.windowEnded(w);
    }
    return System.nanoTime() - start;
  }

  /** The lease of a completed acquire, or its failure rethrown as the pool's exception. */
  private static <C> Lease<C> done(Destination destination, CompletableFuture<Lease<C>> f)
      throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new PoolException(
          destination, "acquire of " + destination + " failed: " + cause, cause);
    }
  }

  /** Cancels an acquire; if it completed meanwhile, gives the connection back. */
  private static <C> void withdraw(CompletableFuture<Lease<C>> f) {
    if (!f.cancel(false)) {
      f.thenAccept(Lease::close);
    }
  }

  private Partition<C> partition(Destination destination) {
    Partition<C> p = partitions.getIfPresent(destination);
    return p != null ? p : partitions.get(destination, this::newPartition);
  }

  private Partition<C> newPartition(Destination destination) {
    Partition<C> p = new Partition<>(this, destination, ticker.nanoTime());
    if (registry != null) {
      p.meters = DestinationMeters.register(registry, name, destination.authority(), p);
    }
    return p;
  }

  private void onRemoved(Partition<C> p, RemovalCause cause) {
    if (cause.wasEvicted()) {
      p.remove(
          CloseReason.EVICTED,
          new PoolException(
              p.destination,
              "destination "
                  + p.destination
                  + " was evicted: the pool holds at most maxDestinations="
                  + settings.maxDestinations(),
              null));
    }
    p.meters.remove();
    if (portMonitor != null && p.remote() != null) {
      portMonitor.unwatch(p.remote());
    }
  }

  @Override
  public PoolStats stats(Destination destination) {
    Partition<C> p = partitions.getIfPresent(destination);
    return p != null
        ? p.stats()
        : new PoolStats(destination, 0, 0, 0, 0, 0, settings.maxConnectionsPerDestination());
  }

  @Override
  public List<DestinationSnapshot> snapshot() {
    long now = ticker.nanoTime();
    return partitions.asMap().values().stream()
        .filter(p -> !p.isRemoved())
        .map(
            p ->
                new DestinationSnapshot(
                    p.stats(), Duration.ofNanos(Math.max(0, p.keepAlive.timeoutNanos(now)))))
        .sorted(Comparator.comparing(d -> d.destination().toString()))
        .toList();
  }

  @Override
  public PoolSettings settings() {
    return settings;
  }

  @Override
  public String name() {
    return name;
  }

  /** Completes the futures of asynchronous acquirers that waited. */
  Executor executor() {
    return executor;
  }

  // ---------------------------------------------------------------- total limit

  /**
   * Takes a slot under the total limit for {@code requester}, evicting an idle connection of
   * another destination when the total is reached.
   */
  boolean reserveTotal(Partition<C> requester) {
    int max = settings.maxConnectionsTotal();
    for (int evictions = 0; ; ) {
      int n = total.get();
      if (n < max) {
        if (total.compareAndSet(n, n + 1)) {
          return true;
        }
        continue;
      }
      if (evictions++ >= 3 || !evictIdleElsewhere(requester)) {
        return false;
      }
    }
  }

  private boolean evictIdleElsewhere(Partition<C> requester) {
    for (Partition<C> p : partitions.asMap().values()) {
      if (p != requester && p.evictOneIdle()) {
        return true;
      }
    }
    return false;
  }

  /** A slot was freed somewhere: waiters of other destinations may now connect. */
  void releaseTotal() {
    int left = total.decrementAndGet();
    if (left + 1 >= settings.maxConnectionsTotal()) {
      drainOthers(null);
    }
    if (closing && left == 0) {
      terminated.complete(null);
    }
  }

  /**
   * A connection of {@code p} went idle. When the total limit is reached, waiters of other
   * destinations could only get a slot by evicting it, so let them try.
   */
  void onIdle(Partition<C> p) {
    if (total.get() >= settings.maxConnectionsTotal()) {
      drainOthers(p);
    }
  }

  private void drainOthers(Partition<C> except) {
    for (Partition<C> p : partitions.asMap().values()) {
      if (p != except && p.pendingCount() > 0) {
        p.drain();
      }
    }
  }

  /** Live connections across every destination. */
  public int totalConnections() {
    return total.get();
  }

  // ---------------------------------------------------------------- housekeeping

  /**
   * Does every piece of timed work due at {@code now} and returns when the next is due. Public for
   * tests, which call it with a fake time instead of waiting for the housekeeper.
   */
  public long maintain(long now) {
    long next = Long.MAX_VALUE;
    long expiry = settings.destinationExpiry().toNanos();
    for (Partition<C> p : partitions.asMap().values()) {
      next = Math.min(next, p.maintain(now));
      if (!closing && p.tryExpire(now, expiry)) {
        partitions.asMap().remove(p.destination, p);
      }
    }
    partitions.cleanUp();
    if (closing && total.get() == 0) {
      terminated.complete(null);
    }
    return next;
  }

  private void housekeep() {
    synchronized (housekeeperDue) {
      housekeeperDue.set(Long.MAX_VALUE);
      housekeeper = null;
    }
    long now = ticker.nanoTime();
    long next;
    try {
      next = maintain(now);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "housekeeping of pool '" + name + "' failed", e);
      next = now + MAX_HOUSEKEEPING_NANOS;
    }
    if (!terminated.isDone()) {
      wakeHousekeeperBy(next);
    }
  }

  /** Makes sure the housekeeper runs by {@code deadline} (clamped to its resolution). */
  void wakeHousekeeperBy(long deadline) {
    long now = ticker.nanoTime();
    long delay = Math.max(MIN_HOUSEKEEPING_NANOS, Math.min(MAX_HOUSEKEEPING_NANOS, deadline - now));
    long due = now + delay;
    synchronized (housekeeperDue) {
      if (housekeeper != null && housekeeperDue.get() - due <= 0) {
        return;
      }
      if (housekeeper != null) {
        housekeeper.cancel();
      }
      housekeeperDue.set(due);
      housekeeper = scheduler.schedule(this::housekeep, delay);
    }
  }

  // ---------------------------------------------------------------- close

  boolean isClosed() {
    return closing;
  }

  long graceDeadline() {
    return graceDeadline;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (!closing) {
      graceDeadline = ticker.nanoTime() + settings.shutdownGracePeriod().toNanos();
      closing = true;
      for (Partition<C> p : partitions.asMap().values()) {
        p.shutdown();
      }
      if (total.get() == 0) {
        terminated.complete(null);
      }
      wakeHousekeeperBy(ticker.nanoTime());
    }
    return closed;
  }

  @Override
  public void close() {
    CompletableFuture<Void> done = closeAsync();
    Duration limit = settings.shutdownGracePeriod().plus(settings.retirementTimeout());
    try {
      done.get(limit.toNanos() + MAX_HOUSEKEEPING_NANOS * 2, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "pool '" + name + "' closed with " + total.get() + " connections still open");
    }
  }

  Transport<C> transport() {
    return transport;
  }

  Ticker ticker() {
    return ticker;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The port monitor, or null. */
  PortMonitor portMonitor() {
    return portMonitor;
  }

  PoolClosedException closedException(Destination d) {
    return new PoolClosedException(d, "pool '" + name + "' is closed");
  }

  @Override
  public String toString() {
    return "ConnectionPool{"
        + name
        + ", connections="
        + total.get()
        + (closing ? ", closed}" : "}");
  }
}
