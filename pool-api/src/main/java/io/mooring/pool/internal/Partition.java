package io.mooring.pool.internal;

import static io.mooring.pool.internal.PooledConnection.CLOSED;
import static io.mooring.pool.internal.PooledConnection.CONNECTING;
import static io.mooring.pool.internal.PooledConnection.IDLE;
import static io.mooring.pool.internal.PooledConnection.LEASED;
import static io.mooring.pool.internal.PooledConnection.RETIRING;

import io.mooring.pool.AcquireTimeoutException;
import io.mooring.pool.CloseMode;
import io.mooring.pool.ClosePolicy;
import io.mooring.pool.CloseReason;
import io.mooring.pool.ClosedBy;
import io.mooring.pool.ConnectFailedException;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PendingAcquireLimitException;
import io.mooring.pool.PoolClosedException;
import io.mooring.pool.PoolException;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.PoolStats;
import io.mooring.pool.ReuseOrder;
import io.mooring.pool.internal.DestinationMeters.Outcome;
import io.mooring.pool.ports.PortExhaustion;
import io.mooring.pool.ports.PortMonitor;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections and waiters of one destination.
 *
 * <p>Lock-free. Leasing an idle connection is a poll of {@link IdleConnections} and a state
 * compare-and-set; giving it back is the reverse. Matching waiters with connections is serialized
 * by a work-in-progress counter (only one thread drains at a time, the others leave their work to
 * it), so waiters are served in arrival order without a lock. No method calls the transport or
 * completes a future while it holds anything: the drain only decides, and acts (hands over,
 * connects) once it has left. Futures of asynchronous acquirers are completed on the pool's
 * executor, never on the thread of a transport, the scheduler or a caller that returns a
 * connection.
 *
 * <p>Bounded barging ({@link PoolSettings#bargingWindow()}): while the oldest waiter is a blocking
 * one within its window, a connection returned after a short lease goes back to the idle set
 * instead of to the parked waiter, and an arriving acquirer may take it ({@link #mayBarge}); under
 * saturation the running threads then cycle without a park and wake-up per lease. A waiter is put
 * in turn when the pool's clock says its window has passed, or when its own timed park of one
 * window ends ({@link #windowEnded}, which also serves a connection left idle for a barger that did
 * not come); from then on no later acquirer is served before it. Waiters never overtake each other,
 * and asynchronous acquirers are in turn from the start.
 *
 * <p>When connects are refused, a reconnect loop (at most one per destination, on the scheduler)
 * retries with backoff while the acquirers stay queued, until a connect succeeds or {@link
 * PoolSettings#connectRetryBudget()} is spent; meanwhile the drain opens no connections.
 */
final class Partition<C> {
  private static final System.Logger LOG = System.getLogger(Partition.class.getName());

  final Destination destination;
  final KeepAliveEstimate keepAlive;
  private final DefaultConnectionPool<C> pool;
  private final PoolSettings settings;
  private final boolean lifo;
  private final long maxIdleNanos;
  private final long leakNanos;
  private final long bargingNanos;

  private final IdleConnections<C> idle = new IdleConnections<>();
  private final ConcurrentLinkedQueue<Waiter<C>> waiters = new ConcurrentLinkedQueue<>();
  private final Set<PooledConnection<C>> all = ConcurrentHashMap.newKeySet();

  /** Waiters in {@link #waiters}; decremented by whoever removes one. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Live connections, connecting and retiring included: what the limits count. */
  private final AtomicInteger allocated = new AtomicInteger();

  private final AtomicInteger drainWip = new AtomicInteger();
  private volatile Throwable lastConnectFailure;

  /** The refused-connect episode in progress, or null; written under {@link #reconnectLock}. */
  private volatile ReconnectBackoff backoff;

  private final Object reconnectLock = new Object();

  /** The resolved remote address, learned from the first connection; for port accounting. */
  private volatile InetSocketAddress remote;

  /** Whether the last connect was held back because the ports toward {@link #remote} ran low. */
  private volatile boolean portPressure;

  private volatile long emptySince;

  /** Set while the housekeeper checks whether it may remove this partition. */
  private volatile boolean expiring;

  /** Set for good once the partition is removed; acquirers then look it up again. */
  private volatile boolean removed;

  volatile DestinationMeters meters = DestinationMeters.NONE;

  Partition(DefaultConnectionPool<C> pool, Destination destination, long now) {
    this.pool = pool;
    this.destination = destination;
    this.settings = pool.settings();
    this.lifo = settings.reuseOrder() == ReuseOrder.LIFO;
    this.maxIdleNanos = settings.maxIdleTime().toNanos();
    this.leakNanos = settings.leakDetectionThreshold().toNanos();
    this.bargingNanos = settings.bargingWindow().toNanos();
    this.keepAlive =
        new KeepAliveEstimate(
            settings.serverIdleTimeout().toNanos(), settings.learnServerIdleTimeout());
    this.emptySince = now;
  }

  int maxConnections() {
    return settings.maxConnectionsPerDestination();
  }

  int pendingCount() {
    return pending.get();
  }

  int allocatedCount() {
    return allocated.get();
  }

  boolean isRemoved() {
    return removed;
  }

  // ---------------------------------------------------------------- acquire

  /**
   * Leases an idle connection without waiting, or returns null. Used on the fast path and by the
   * drain loop; the fast path skips it when waiters are queued so that they are served first.
   */
  DefaultLease<C> pollIdle(long now) {
    PooledConnection<C> c;
    while ((c = lifo ? idle.pollNewest() : idle.pollOldest()) != null) {
      if (!c.cas(IDLE, LEASED)) {
        continue; // closed by the peer or claimed by the housekeeper: it removes itself
      }
      CloseReason expired = idleExpiry(c, now);
      if (expired != null) {
        retire(c, expired, false, now);
        continue;
      }
      return lease(c, now);
    }
    return null;
  }

  /** Whether blocking waiters may be overtaken within their barging window. */
  boolean barging() {
    return bargingNanos > 0;
  }

  /**
   * Whether an arriving acquirer may take an idle connection although acquirers wait: only while
   * the oldest waiter is within its barging window. The oldest is the one whose turn comes first,
   * and waiters are never overtaken by each other, so checking it alone bounds every waiter's wait.
   */
  boolean mayBarge(long now) {
    if (bargingNanos == 0) {
      return false;
    }
    Waiter<C> head = waiters.peek();
    return head == null || !inTurn(head, now);
  }

  private boolean inTurn(Waiter<C> w, long now) {
    return w.inTurn || now - w.startedAt >= bargingNanos;
  }

  /**
   * The blocking waiter {@code w} waited out its barging window (timed by its own park): from now
   * on no later acquirer is served before it, nor before the waiters ahead of it. Serves the queue
   * in case a connection was left idle for a barger that never came.
   */
  void windowEnded(Waiter<C> w) {
    for (Waiter<C> x : waiters) {
      x.inTurn = true;
      if (x == w) {
        break;
      }
    }
    w.inTurn = true;
    drain();
  }

  /**
   * Starts an acquire that could not be served from the idle deque. Returns null when this
   * partition was removed meanwhile: the caller looks the destination up again.
   */
  CompletableFuture<Lease<C>> acquireSlow(long now, long timeoutNanos) {
    if (pool.isClosed()) {
      return CompletableFuture.failedFuture(closedException());
    }
    Waiter<C> waiter = new Waiter<>(this, now, timeoutNanos < 0);
    if (pending.get() == 0) {
      int reserved = reserve(false);
      if (reserved < 0) {
        return null;
      }
      if (reserved > 0) {
        // Not queued, so nobody can overtake it: no window to wait out, which would otherwise end
        // the windows of the queued waiters too (windowEnded puts everyone ahead in turn).
        waiter.inTurn = true;
        startTimer(waiter, timeoutNanos);
        connect(waiter, null, now);
        return waiter;
      }
    }
    if (pending.incrementAndGet() > settings.maxPendingAcquires()) {
      pending.decrementAndGet();
      meters.acquired(Outcome.REJECTED, 0);
      return CompletableFuture.failedFuture(
          new PendingAcquireLimitException(
              destination,
              "too many acquirers wait for "
                  + destination
                  + ": maxPendingAcquires is "
                  + settings.maxPendingAcquires()
                  + "; "
                  + stats()));
    }
    if (removed || expiring) {
      pending.decrementAndGet();
      return null;
    }
    waiters.offer(waiter);
    startTimer(waiter, timeoutNanos);
    drain();
    return waiter;
  }

  private void startTimer(Waiter<C> waiter, long timeoutNanos) {
    if (timeoutNanos < 0) {
      return; // a blocking acquirer times itself
    }
    waiter.timer = pool.scheduler().schedule(() -> timeout(waiter), timeoutNanos);
    if (waiter.isDone()) { // completed before the timer was stored
      waiter.timer.cancel();
    }
  }

  /** Fails {@code waiter} with an {@link AcquireTimeoutException}, unless it is done already. */
  void timeout(Waiter<C> waiter) {
    if (waiter.isDone()) {
      return;
    }
    if (waiters.remove(waiter)) { // so that the counts below are of the others
      pending.decrementAndGet();
    }
    long waited = pool.ticker().nanoTime() - waiter.startedAt;
    failWaiter(
        waiter,
        new AcquireTimeoutException(
            destination,
            "no connection to "
                + destination
                + " within "
                + Duration.ofNanos(waited)
                + "; "
                + stats()
                + (portPressure
                    ? "; not opening new connections: ephemeral ports toward "
                        + remote
                        + " are over the port monitor's high-water mark"
                    : "")
                + (lastConnectFailure != null
                    ? "; last connect failure: " + lastConnectFailure
                    : ""),
            lastConnectFailure));
  }

  /** Called once per waiter when its future completes, however it completes. */
  void onWaiterDone(Waiter<C> waiter, Throwable failure) {
    if (waiters.remove(waiter)) {
      pending.decrementAndGet();
    }
    var timer = waiter.timer;
    if (timer != null) {
      timer.cancel();
    }
    if (meters.enabled()) {
      Outcome outcome =
          waiter.isCancelled()
              ? Outcome.CANCELLED
              : failure == null
                  ? Outcome.SUCCESS
                  : failure instanceof AcquireTimeoutException ? Outcome.TIMEOUT : Outcome.FAILURE;
      meters.acquired(outcome, pool.ticker().nanoTime() - waiter.startedAt);
    }
  }

  /**
   * Serves queued waiters in order: idle connections first, then new connections while the limits
   * allow. Any thread may call it; one drains at a time and the others leave it their work.
   */
  void drain() {
    if (drainWip.getAndIncrement() != 0) {
      return;
    }
    Waiter<C> first = null; // waiters taken off the queue, in order, with what to do for each
    Waiter<C> last = null;
    int missed = 1;
    do {
      Waiter<C> w;
      while ((w = waiters.peek()) != null) {
        if (w.isDone()) {
          if (waiters.remove(w)) {
            pending.decrementAndGet();
          }
          continue;
        }
        DefaultLease<C> lease = pollIdle(pool.ticker().nanoTime());
        if (lease != null) {
          if (!waiters.remove(w)) {
            unlease(lease);
            continue;
          }
          pending.decrementAndGet();
          w.handOff = lease;
        } else {
          int reserved = reserve(false);
          if (reserved <= 0) {
            break;
          }
          if (!waiters.remove(w)) {
            unreserve();
            continue;
          }
          pending.decrementAndGet();
          w.handOff = null; // a connection is opened for it
        }
        if (last == null) {
          first = w;
        } else {
          last.nextDecided = w;
        }
        last = w;
      }
      missed = drainWip.addAndGet(-missed);
    } while (missed != 0);
    // Out of the drain: a dependent action of the caller or a transport may run from here on
    // without holding up the hand-offs of other threads.
    while (first != null) {
      Waiter<C> w = first;
      first = w.nextDecided;
      w.nextDecided = null;
      DefaultLease<C> lease = w.handOff;
      w.handOff = null;
      if (lease != null) {
        deliver(w, lease);
      } else {
        connect(w, null, pool.ticker().nanoTime());
      }
    }
  }

  /** Hands {@code lease} to {@code w}, or takes it back if {@code w} is done meanwhile. */
  private void deliver(Waiter<C> w, DefaultLease<C> lease) {
    if (w.blocking) {
      if (!w.complete(lease)) {
        unlease(lease);
      }
      return;
    }
    dispatch(
        () -> {
          if (!w.complete(lease)) {
            unlease(lease);
          }
        });
  }

  /** Fails {@code w}, unless it is done already. */
  private void failWaiter(Waiter<C> w, Throwable failure) {
    if (w.blocking) {
      w.completeExceptionally(failure);
    } else {
      dispatch(() -> w.completeExceptionally(failure));
    }
  }

  /**
   * Completes an asynchronous acquirer's future on the pool's executor. If the executor refuses,
   * completes it here: a late callback on this thread is better than a stranded acquirer and
   * connection.
   */
  private void dispatch(Runnable completion) {
    try {
      pool.executor().execute(completion);
    } catch (RejectedExecutionException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the executor of pool '"
              + pool.name()
              + "' rejected an acquire completion for "
              + destination
              + "; completing it on "
              + Thread.currentThread().getName(),
          e);
      completion.run();
    }
  }

  /**
   * Takes a connection slot under both limits: 1 on success, 0 when full or while the reconnect
   * loop owns connecting (unless {@code reconnecting}: it is the loop), -1 when this partition is
   * being removed. May evict an idle connection of another destination to respect the total.
   */
  private int reserve(boolean reconnecting) {
    if (!reconnecting && backoff != null) {
      return 0;
    }
    int max = settings.maxConnectionsPerDestination();
    for (; ; ) {
      int n = allocated.get();
      if (n >= max || (n > 0 && portsLow())) {
        return 0;
      }
      if (allocated.compareAndSet(n, n + 1)) {
        break;
      }
    }
    if (removed || expiring) {
      allocated.decrementAndGet();
      return -1;
    }
    if (!pool.reserveTotal(this)) {
      allocated.decrementAndGet();
      return 0;
    }
    return 1;
  }

  /**
   * Whether the kernel's ephemeral ports toward this destination are over the monitor's high-water
   * mark; then the pool waits for its pooled connections rather than open new ones. Reads the
   * monitor's last snapshot only: no I/O.
   */
  private boolean portsLow() {
    PortMonitor monitor = pool.portMonitor();
    InetSocketAddress r = remote;
    boolean low = monitor != null && r != null && monitor.overHighWater(r);
    portPressure = low;
    return low;
  }

  private void unreserve() {
    allocated.decrementAndGet();
    pool.releaseTotal();
  }

  /**
   * Opens a connection on a slot the caller reserved: for {@code waiter}, or, for the reconnect
   * loop's {@code attempt} (then {@code waiter} is null), for whoever is first in the queue.
   */
  private void connect(Waiter<C> waiter, ReconnectBackoff attempt, long now) {
    PooledConnection<C> c = new PooledConnection<>(this, now, lifetimeDeadline(now));
    all.add(c);
    CompletableFuture<C> connecting;
    try {
      connecting = pool.transport().connect(destination, c);
    } catch (RuntimeException e) {
      connecting = CompletableFuture.failedFuture(e);
    }
    connecting.whenComplete((conn, error) -> connected(c, waiter, attempt, conn, error));
  }

  private long lifetimeDeadline(long now) {
    long max = settings.maxLifetime().toNanos();
    if (max == 0) {
      return Long.MAX_VALUE;
    }
    long jitter =
        (long) (max * settings.lifetimeJitter() * ThreadLocalRandom.current().nextDouble());
    return now + max - jitter;
  }

  private void connected(
      PooledConnection<C> c, Waiter<C> waiter, ReconnectBackoff attempt, C conn, Throwable error) {
    long now = pool.ticker().nanoTime();
    if (error != null) {
      connectFailed(c, waiter, attempt, explain(error));
      return;
    }
    c.connection = conn;
    try {
      c.localAddress = pool.transport().localAddress(conn);
      if (remote == null) {
        learnRemote(pool.transport().remoteAddress(conn));
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "no local address for " + destination, e);
    }
    c.idleSince(now);
    meters.opened();
    if (!c.cas(CONNECTING, LEASED)) {
      // The peer closed it before we could use it; onTransportClosed freed the slot and left the
      // close for us to count, so that every opened connection is counted closed once. Nothing
      // was sent on it: as retryable as a refused connect.
      meters.closed(c.closedEarlyBy, c.closedEarlyReason);
      connectFailed(
          c,
          waiter,
          attempt,
          new ConnectException("connection closed by the peer right after connect"));
      return;
    }
    if (pool.isClosed()) {
      closeNow(c, LEASED, fallbackMode(), CloseReason.SHUTDOWN);
      if (waiter != null) {
        failWaiter(waiter, closedException());
      }
      return;
    }
    boolean ended = endBackoff(); // the destination accepts connections again
    if (waiter == null) {
      makeIdle(c); // the loop's connection serves whoever is first in the queue
    } else {
      deliver(waiter, lease(c, now));
    }
    if (ended && pending.get() > 0) {
      drain();
    }
  }

  /** The resolved remote address of this destination's connections, or null if none yet. */
  InetSocketAddress remote() {
    return remote;
  }

  private void learnRemote(InetSocketAddress address) {
    if (address != null && !address.isUnresolved()) {
      remote = address;
      PortMonitor monitor = pool.portMonitor();
      if (monitor != null) {
        monitor.watch(address);
      }
    }
  }

  /**
   * The cause to report for a failed connect: EADDRNOTAVAIL becomes a {@link
   * io.mooring.pool.ports.PortExhaustedException} that counts the ports toward this destination and
   * says what to do.
   */
  private Throwable explain(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (!PortExhaustion.isAddressNotAvailable(cause)) {
      return cause;
    }
    InetSocketAddress r = remote;
    if (r == null) {
      r = InetSocketAddress.createUnresolved(destination.host(), destination.port());
    }
    return PortExhaustion.exception(r, pool.portMonitor(), cause);
  }

  /**
   * A connect failed: its acquirer waits for the reconnect loop if the failure is retried (see
   * {@link #retryLater}), and fails otherwise, with the queue too when nothing live could serve it.
   */
  private void connectFailed(
      PooledConnection<C> c, Waiter<C> waiter, ReconnectBackoff attempt, Throwable cause) {
    lastConnectFailure = cause;
    // The slot is freed last: freeing it drains the queue, which must not connect for an acquirer
    // that is about to wait for the loop or to fail.
    boolean ours = c.cas(CONNECTING, CLOSED);
    if (retryLater(cause, attempt)) {
      if (waiter != null) {
        requeue(waiter);
      }
    } else {
      PoolException failure = connectFailure(cause, attempt);
      if (waiter != null) {
        failWaiter(waiter, failure);
      }
      if (allocated.get() == (ours ? 1 : 0)) {
        // Nothing live here could serve the queued waiters: they would only connect and fail too.
        failWaiters(failure);
      }
    }
    if (ours) {
      freeSlot(c);
    } else {
      drain();
    }
  }

  private PoolException connectFailure(Throwable cause, ReconnectBackoff attempt) {
    if (attempt == null) {
      return new ConnectFailedException(destination, cause);
    }
    return new ConnectFailedException(
        destination,
        "connect to "
            + destination
            + " failed: "
            + cause
            + "; still failing after "
            + attempt.attempts
            + " reconnect attempts in "
            + Duration.ofNanos(pool.ticker().nanoTime() - attempt.startedAt)
            + " (connectRetryBudget="
            + settings.connectRetryBudget()
            + ")",
        cause);
  }

  /** Puts back in the queue an acquirer whose connect failed, unless it is done. */
  private void requeue(Waiter<C> waiter) {
    if (waiter.isDone()) {
      return;
    }
    pending.incrementAndGet();
    waiters.offer(waiter);
    if (waiter.isDone() && waiters.remove(waiter)) { // timed out or cancelled meanwhile
      pending.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------- reconnect loop

  /**
   * Decides after a failed connect whether the reconnect loop retries it: only refused connects
   * ({@link ConnectException}: nothing was sent), only within the budget, and not once the pool is
   * closed. Starts the loop on the first refusal of an episode; after the loop's own {@code
   * attempt} failed, schedules its next attempt or, when it gives up, ends the episode.
   */
  private boolean retryLater(Throwable cause, ReconnectBackoff attempt) {
    long budget = settings.connectRetryBudget().toNanos();
    if (budget == 0) {
      return false;
    }
    boolean retryable = cause instanceof ConnectException && !pool.isClosed() && !removed;
    long now = pool.ticker().nanoTime();
    synchronized (reconnectLock) {
      ReconnectBackoff b = backoff;
      if (attempt != null) {
        if (b != attempt) {
          return false; // the episode was ended meanwhile
        }
        if (retryable && !b.exhausted(now)) {
          scheduleAttempt(b, now);
          return true;
        }
        backoff = null;
        return false;
      }
      if (!retryable) {
        return false;
      }
      if (b == null) {
        b = new ReconnectBackoff(now, budget);
        backoff = b;
        scheduleAttempt(b, now);
        return true;
      }
      return !b.exhausted(now); // a connect started before the episode: the loop is on it
    }
  }

  private void scheduleAttempt(ReconnectBackoff b, long now) {
    b.timer = pool.scheduler().schedule(() -> reconnect(b), b.nextDelayNanos(now));
  }

  /** The loop's attempt, on the scheduler: one connect for the queue, if anyone still waits. */
  private void reconnect(ReconnectBackoff b) {
    long now = pool.ticker().nanoTime();
    synchronized (reconnectLock) {
      if (backoff != b) {
        return;
      }
      b.timer = null;
      if (pending.get() == 0 || pool.isClosed() || removed) {
        backoff = null; // nobody waits: the next acquirer connects as usual
        return;
      }
    }
    int reserved = reserve(true);
    if (reserved <= 0) {
      synchronized (reconnectLock) {
        if (backoff == b) {
          if (reserved < 0 || b.exhausted(now)) {
            backoff = null; // every slot is live: those connections serve the queue
          } else {
            scheduleAttempt(b, now);
          }
        }
      }
      return;
    }
    synchronized (reconnectLock) {
      b.attempts++;
    }
    meters.connectRetried();
    connect(null, b, now);
  }

  /** Ends the episode in progress, if any; returns whether there was one. */
  private boolean endBackoff() {
    if (backoff == null) {
      return false;
    }
    synchronized (reconnectLock) {
      ReconnectBackoff b = backoff;
      if (b == null) {
        return false;
      }
      backoff = null;
      if (b.timer != null) {
        b.timer.cancel();
      }
      return true;
    }
  }

  private DefaultLease<C> lease(PooledConnection<C> c, long now) {
    int uses = ++c.uses;
    CloseReason lastUse = null;
    int maxRequests = settings.maxRequestsPerConnection();
    if ((maxRequests > 0 && uses >= maxRequests) || uses >= c.maxUses) {
      lastUse = CloseReason.MAX_REQUESTS;
    } else if (now - c.lifetimeDeadline >= 0) {
      lastUse = CloseReason.LIFETIME;
    }
    Throwable site =
        leakNanos > 0 ? new Throwable("lease of " + destination + " acquired here") : null;
    DefaultLease<C> lease = new DefaultLease<>(c, now, site, lastUse);
    c.lease(lease);
    pool.transport().onLeased(c.connection);
    return lease;
  }

  /** Puts back a lease that was never handed out. */
  private void unlease(DefaultLease<C> lease) {
    PooledConnection<C> c = lease.pooled;
    c.uses--;
    c.lease(null);
    makeIdle(c);
  }

  /** Makes a connection in state LEASED with no lease idle. */
  private void makeIdle(PooledConnection<C> c) {
    pool.transport().onIdle(c.connection);
    if (c.cas(LEASED, IDLE)) {
      pushIdle(c, pending.get() > 0);
    }
  }

  /** Why an idle connection may not be leased now, or null if it may. */
  private CloseReason idleExpiry(PooledConnection<C> c, long now) {
    long idleFor = now - c.idleSince;
    if (idleFor >= maxIdleNanos) {
      return CloseReason.IDLE;
    }
    long server = keepAlive.timeoutNanos(now);
    if (server > 0 && idleFor >= usableIdleNanos(server)) {
      return CloseReason.IDLE;
    }
    return null;
  }

  /** How long a connection may idle before the server's close gets too near to lease it. */
  private long usableIdleNanos(long serverTimeout) {
    long usable = serverTimeout - settings.keepAliveSafetyMargin().toNanos();
    return usable > 0 ? usable : serverTimeout / 2;
  }

  // ---------------------------------------------------------------- release

  void release(DefaultLease<C> lease) {
    PooledConnection<C> c = lease.pooled;
    long now = pool.ticker().nanoTime();
    c.lease(null);
    c.idleSince(now); // the server's idle clock restarts at the end of the exchange
    if (c.state() != LEASED) {
      return; // the peer closed it while leased; already counted and freed
    }
    CloseReason reason = lease.retireReason();
    if (reason == null && (pool.isClosed() || removed)) {
      reason = pool.isClosed() ? CloseReason.SHUTDOWN : CloseReason.EVICTED;
    }
    if (reason != null) {
      retire(c, reason, lease.peerAsked(), now);
      return;
    }
    pool.transport().onIdle(c.connection); // before anyone else can lease it
    if (c.cas(LEASED, IDLE)) {
      // After a short lease, within the oldest waiter's barging window, the connection stays idle
      // for a running acquirer (usually this thread, right back): no hand-off to a parked thread.
      // The waiter takes it itself when its window ends if nobody did (windowEnded). A thread that
      // held it longer is likely busy elsewhere next: the waiter gets it at once.
      boolean handOff =
          pending.get() > 0 && (now - lease.leasedAt >= bargingNanos || !mayBarge(now));
      pushIdle(c, handOff);
    }
  }

  private void pushIdle(PooledConnection<C> c, boolean serveWaiters) {
    idle.push(c);
    if (serveWaiters) {
      drain();
    }
    pool.onIdle(this);
  }

  void fail(DefaultLease<C> lease, Throwable cause) {
    PooledConnection<C> c = lease.pooled;
    c.lease(null);
    LOG.log(System.Logger.Level.DEBUG, () -> "aborting " + c + " after a failed exchange", cause);
    closeNow(c, LEASED, CloseMode.ABORT, CloseReason.ERROR);
  }

  // ---------------------------------------------------------------- retirement and close

  /**
   * Retires a connection the caller owns in state LEASED: closes it now under the ABORT or GRACEFUL
   * policy, or, under PEER_FIRST, waits for the peer's FIN when the peer was asked to close or its
   * idle timeout is near, and otherwise applies the fallback close at once.
   */
  void retire(PooledConnection<C> c, CloseReason reason, boolean peerAsked, long now) {
    ClosePolicy policy = settings.closePolicy();
    if (policy != ClosePolicy.PEER_FIRST) {
      closeNow(
          c, LEASED, policy == ClosePolicy.ABORT ? CloseMode.ABORT : CloseMode.GRACEFUL, reason);
      return;
    }
    long wait = settings.retirementTimeout().toNanos();
    long deadline = now + wait;
    boolean onEstimate = false;
    boolean expectFin = peerAsked || requestPeerClose(c);
    if (!expectFin) {
      long server = keepAlive.timeoutNanos(now);
      long serverClosesIn = server > 0 ? c.idleSince + server - now : Long.MAX_VALUE;
      expectFin = serverClosesIn <= wait;
      if (expectFin) {
        // The FIN is due when the estimate says: wait a little past it, not the whole retirement
        // timeout, so a wrong estimate does not hold this slot for seconds.
        onEstimate = true;
        long late =
            Math.max(settings.keepAliveSafetyMargin().toNanos(), KeepAliveEstimate.LATE_NANOS);
        deadline = Math.min(deadline, now + Math.max(serverClosesIn, 0) + late);
      }
    }
    if (!expectFin) {
      closeNow(c, LEASED, settings.fallbackClose(), reason);
      return;
    }
    c.retireReason = reason;
    c.retiredOnEstimate = onEstimate;
    c.retireDeadline = deadline;
    if (c.cas(LEASED, RETIRING)) {
      pool.wakeHousekeeperBy(c.retireDeadline);
    }
  }

  private boolean requestPeerClose(PooledConnection<C> c) {
    try {
      return pool.transport().requestPeerClose(c.connection);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING, "transport failed to ask " + destination + " to close", e);
      return false;
    }
  }

  private CloseMode fallbackMode() {
    return switch (settings.closePolicy()) {
      case PEER_FIRST -> settings.fallbackClose();
      case ABORT -> CloseMode.ABORT;
      case GRACEFUL -> CloseMode.GRACEFUL;
    };
  }

  /** Closes {@code c} if it is still in state {@code expected}; returns whether it did. */
  boolean closeNow(PooledConnection<C> c, int expected, CloseMode mode, CloseReason reason) {
    if (!c.cas(expected, CLOSED)) {
      return false;
    }
    if (expected == IDLE) {
      idle.remove(c);
    }
    try {
      pool.transport().close(c.connection, mode);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "transport failed to close " + c, e);
    }
    meters.closed(mode == CloseMode.ABORT ? ClosedBy.ABORT : ClosedBy.LOCAL, reason);
    freeSlot(c);
    return true;
  }

  /** The transport reports that the connection ended by itself. */
  void onTransportClosed(PooledConnection<C> c, ClosedBy by, Throwable cause) {
    long now = pool.ticker().nanoTime();
    for (; ; ) {
      int s = c.state();
      if (s == CLOSED) {
        return;
      }
      CloseReason reason = cause != null ? CloseReason.ERROR : CloseReason.PEER;
      if (s == CONNECTING) { // counted by connected() if the connect succeeds: see there
        c.closedEarlyBy = by;
        c.closedEarlyReason = reason;
      }
      if (!c.cas(s, CLOSED)) {
        continue;
      }
      if (s == IDLE || s == LEASED) {
        // Closes of connections in use count too: they tell a restart from an idle timeout.
        long age = cause == null && by == ClosedBy.PEER ? now - c.idleSince : 0;
        keepAlive.observePeerClose(age, s == IDLE, now);
      }
      if (s == IDLE) {
        idle.remove(c);
      } else if (s == RETIRING && cause == null) {
        reason = c.retireReason;
      }
      if (s != CONNECTING) {
        meters.closed(by, reason);
      }
      freeSlot(c);
      return;
    }
  }

  private void freeSlot(PooledConnection<C> c) {
    all.remove(c);
    if (allocated.decrementAndGet() == 0) {
      emptySince = pool.ticker().nanoTime();
    }
    pool.releaseTotal();
    if (pending.get() > 0) {
      drain();
    }
  }

  /**
   * Closes one idle connection to make room for another destination: the one this partition would
   * reuse last. Returns whether it freed a slot.
   */
  boolean evictOneIdle() {
    return idle.evictFirst(lifo, c -> closeNow(c, IDLE, fallbackMode(), CloseReason.EVICTED));
  }

  // ---------------------------------------------------------------- housekeeping

  /**
   * Retires expired idle connections, ends retirements past their deadline, reports leaks and, when
   * the pool is closing, closes what it can. Returns the next time it has work, or {@link
   * Long#MAX_VALUE}.
   */
  long maintain(long now) {
    long next = Long.MAX_VALUE;
    boolean closing = pool.isClosed();
    for (PooledConnection<C> c : all) {
      switch (c.state()) {
        case IDLE -> next = Math.min(next, maintainIdle(c, now, closing));
        case RETIRING -> {
          if (now - c.retireDeadline >= 0) {
            if (c.retiredOnEstimate) {
              keepAlive.contradicted(now - c.idleSince); // the server kept it open longer
            }
            closeNow(c, RETIRING, settings.fallbackClose(), c.retireReason);
          } else {
            next = Math.min(next, c.retireDeadline);
          }
        }
        case LEASED -> next = Math.min(next, maintainLeased(c, now, closing));
        default -> {}
      }
    }
    return next;
  }

  private long maintainIdle(PooledConnection<C> c, long now, boolean closing) {
    CloseReason reason =
        closing
            ? CloseReason.SHUTDOWN
            : now - c.lifetimeDeadline >= 0 ? CloseReason.LIFETIME : idleExpiry(c, now);
    if (reason == null) {
      long server = keepAlive.timeoutNanos(now);
      long expiry = Math.min(maxIdleNanos, server > 0 ? usableIdleNanos(server) : Long.MAX_VALUE);
      return Math.min(c.idleSince + expiry, c.lifetimeDeadline);
    }
    if (closing) {
      closeNow(c, IDLE, fallbackMode(), reason);
    } else if (c.cas(IDLE, LEASED)) {
      idle.remove(c);
      retire(c, reason, false, now);
    }
    return Long.MAX_VALUE;
  }

  private long maintainLeased(PooledConnection<C> c, long now, boolean closing) {
    if (closing && now - pool.graceDeadline() >= 0) {
      closeNow(c, LEASED, CloseMode.ABORT, CloseReason.SHUTDOWN);
      return Long.MAX_VALUE;
    }
    long next = closing ? pool.graceDeadline() : Long.MAX_VALUE;
    DefaultLease<C> lease = c.lease;
    if (leakNanos > 0 && lease != null && !lease.leakReported) {
      long due = lease.leasedAt + leakNanos;
      if (now - due >= 0) {
        lease.leakReported = true;
        meters.leaked();
        LOG.log(
            System.Logger.Level.WARNING,
            "lease of "
                + destination
                + " (local "
                + c.localAddress
                + ") held for more than "
                + settings.leakDetectionThreshold()
                + "; possible leak, acquired at:",
            lease.acquiredAt);
      } else {
        next = Math.min(next, due);
      }
    }
    return next;
  }

  /**
   * Removes this partition if it has been empty for {@code expiryNanos}: no connection, no waiter.
   * Races with acquirers through the {@code expiring} flag: each side announces itself and then
   * checks the other, so one of them always backs off.
   */
  boolean tryExpire(long now, long expiryNanos) {
    if (allocated.get() != 0 || pending.get() != 0 || now - emptySince < expiryNanos) {
      return false;
    }
    expiring = true;
    if (allocated.get() != 0 || pending.get() != 0) {
      expiring = false;
      return false;
    }
    removed = true;
    return true;
  }

  /**
   * Takes this partition out of service for good (evicted or expired): waiters fail, idle
   * connections close under the policy, leased ones retire when their lease ends.
   */
  void remove(CloseReason reason, PoolException waiterFailure) {
    removed = true;
    closeAll(reason, waiterFailure);
  }

  /** Fails every waiter because the pool closed, and closes every idle connection. */
  void shutdown() {
    closeAll(CloseReason.SHUTDOWN, closedException());
  }

  private void closeAll(CloseReason reason, PoolException waiterFailure) {
    endBackoff();
    failWaiters(waiterFailure);
    for (PooledConnection<C> c : all) {
      if (c.state() == IDLE) {
        closeNow(c, IDLE, fallbackMode(), reason);
      }
    }
  }

  private void failWaiters(PoolException failure) {
    Waiter<C> w;
    while ((w = waiters.poll()) != null) {
      pending.decrementAndGet();
      failWaiter(w, failure);
    }
  }

  private PoolClosedException closedException() {
    return new PoolClosedException(
        destination,
        "pool '" + pool.name() + "' is closed; cannot lease a connection to " + destination);
  }

  /** Counts connections by state; exact for each state, taken without stopping anyone. */
  PoolStats stats() {
    int connecting = 0;
    int idleCount = 0;
    int active = 0;
    int retiring = 0;
    for (PooledConnection<C> c : all) {
      switch (c.state()) {
        case CONNECTING -> connecting++;
        case IDLE -> idleCount++;
        case LEASED -> active++;
        case RETIRING -> retiring++;
        default -> {}
      }
    }
    return new PoolStats(
        destination, connecting, idleCount, active, retiring, pending.get(), maxConnections());
  }

  /** For tests: every live connection, whatever its state. */
  Set<PooledConnection<C>> connections() {
    return all;
  }
}
