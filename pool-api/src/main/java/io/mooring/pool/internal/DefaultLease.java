package io.mooring.pool.internal;

import io.mooring.pool.CloseReason;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/** One use of a {@link PooledConnection}; the first close or fail wins, later ones are ignored. */
final class DefaultLease<C> implements Lease<C> {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(DefaultLease.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final PooledConnection<C> pooled;
  private final C connection;
  final long leasedAt;

  /** Where the lease was taken, when leak detection is on; else null. */
  final Throwable acquiredAt;

  /** Why this must be the last use, or null. */
  final CloseReason lastUseReason;

  @SuppressWarnings("unused") // accessed through DONE
  private volatile boolean done;

  boolean leakReported;
  private boolean retire;
  private boolean peerWillClose;
  private boolean noMoreRequests;

  DefaultLease(
      PooledConnection<C> pooled, long leasedAt, Throwable acquiredAt, CloseReason lastUse) {
    this.pooled = pooled;
    this.connection = pooled.connection;
    this.leasedAt = leasedAt;
    this.acquiredAt = acquiredAt;
    this.lastUseReason = lastUse;
  }

  @Override
  public C connection() {
    return connection;
  }

  @Override
  public Destination destination() {
    return pooled.partition.destination;
  }

  @Override
  public boolean isLastUse() {
    return lastUseReason != null;
  }

  @Override
  public void retire() {
    retire = true;
  }

  @Override
  public void peerWillClose() {
    peerWillClose = true;
  }

  boolean peerAsked() {
    return peerWillClose;
  }

  @Override
  public void serverIdleTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    pooled.partition.keepAlive.announce(timeout.toNanos());
  }

  @Override
  public void remainingRequests(int remaining) {
    if (remaining <= 0) {
      noMoreRequests = true;
    } else if (!isDone()) {
      pooled.maxUses = (int) Math.min(Integer.MAX_VALUE, (long) pooled.uses + remaining);
    }
  }

  /** Why the connection must not be reused after this lease, or null to reuse it. */
  CloseReason retireReason() {
    if (retire || (peerWillClose && lastUseReason == null)) {
      return CloseReason.RETIRED;
    }
    if (lastUseReason != null) {
      return lastUseReason;
    }
    return noMoreRequests ? CloseReason.MAX_REQUESTS : null;
  }

  @Override
  public void fail(Throwable cause) {
    if (DONE.compareAndSet(this, false, true)) {
      pooled.partition.fail(this, cause);
    }
  }

  @Override
  public void close() {
    if (DONE.compareAndSet(this, false, true)) {
      pooled.partition.release(this);
    }
  }

  boolean isDone() {
    return done;
  }

  @Override
  public String toString() {
    return "Lease{" + pooled + (isDone() ? ", done}" : "}");
  }
}
