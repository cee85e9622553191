package io.mooring.pool.internal;

import io.mooring.pool.CloseReason;
import io.mooring.pool.ClosedBy;
import io.mooring.pool.ConnectionListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * One connection the pool owns, with its lifecycle state. State changes are compare-and-set, and
 * whoever wins a change owns the work it implies; every other field is written only by the owner of
 * the current state and published by the next state change.
 *
 * <pre>
 * CONNECTING -> LEASED <-> IDLE
 *                  \        \
 *                   -> RETIRING -> CLOSED   (and any state -> CLOSED)
 * </pre>
 */
final class PooledConnection<C> implements ConnectionListener {
  static final int CONNECTING = 0;
  static final int IDLE = 1;
  static final int LEASED = 2;
  static final int RETIRING = 3;
  static final int CLOSED = 4;

  private static final VarHandle STATE;
  private static final VarHandle IDLE_SINCE;
  private static final VarHandle LEASE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(PooledConnection.class, "state", int.class);
      IDLE_SINCE = lookup.findVarHandle(PooledConnection.class, "idleSince", long.class);
      LEASE = lookup.findVarHandle(PooledConnection.class, "lease", DefaultLease.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Partition<C> partition;
  final long createdAt;

  /** When the connection must retire, jitter applied; {@link Long#MAX_VALUE} for never. */
  final long lifetimeDeadline;

  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state = CONNECTING;

  volatile C connection;
  volatile InetSocketAddress localAddress;

  /** When it last became idle; read by housekeeping, so volatile. */
  volatile long idleSince;

  /** The current lease, for leak detection; null when not leased. */
  volatile DefaultLease<C> lease;

  /** Leases served, this one included; written only by the lease owner. */
  int uses;

  /**
   * The server's remaining-requests limit as a total of uses; {@code Integer.MAX_VALUE} if none.
   */
  int maxUses = Integer.MAX_VALUE;

  /** Why it is retiring and until when it waits for the peer; set before entering RETIRING. */
  volatile CloseReason retireReason;

  volatile long retireDeadline;

  /**
   * Whether it retires only because the server's idle timeout is near by the pool's estimate
   * (nobody asked the peer to close): if the peer does not close by the deadline, the estimate was
   * wrong.
   */
  volatile boolean retiredOnEstimate;

  /**
   * Who ended it and why, when it ended while still connecting; written before the state changes to
   * CLOSED, for the connect's completion to count the close.
   */
  volatile ClosedBy closedEarlyBy;

  volatile CloseReason closedEarlyReason;

  PooledConnection(Partition<C> partition, long createdAt, long lifetimeDeadline) {
    this.partition = partition;
    this.createdAt = createdAt;
    this.lifetimeDeadline = lifetimeDeadline;
  }

  int state() {
    return state;
  }

  boolean cas(int expect, int update) {
    return STATE.compareAndSet(this, expect, update);
  }

  /**
   * Sets {@link #idleSince} without a full fence (a volatile store costs one per lease cycle): the
   * owner writes it before the state change that publishes it, and readers read the state first.
   */
  void idleSince(long now) {
    IDLE_SINCE.setRelease(this, now);
  }

  /** Sets {@link #lease}, like {@link #idleSince(long)}: leak detection may read it late. */
  void lease(DefaultLease<C> lease) {
    LEASE.setRelease(this, lease);
  }

  /** The transport saw the connection end by itself. */
  @Override
  public void closed(ClosedBy closedBy, Throwable cause) {
    partition.onTransportClosed(this, closedBy, cause);
  }

  @Override
  public String toString() {
    return "PooledConnection{"
        + partition.destination
        + ", local="
        + localAddress
        + ", state="
        + state
        + '}';
  }
}
