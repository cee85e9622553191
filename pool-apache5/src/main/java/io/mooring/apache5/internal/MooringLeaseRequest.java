package io.mooring.apache5.internal;

import io.mooring.pool.AcquireTimeoutException;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache's handle on one acquire: {@link #get} leases from the pool on the calling thread (Apache
 * turns its {@link TimeoutException} into a {@code ConnectionRequestTimeoutException}), and {@link
 * #cancel} from another thread interrupts it. Thread safe.
 */
public final class MooringLeaseRequest implements LeaseRequest {
  private static final Object CANCELLING = new Object();
  private static final Object CANCELLED = new Object();
  private static final Object DONE = new Object();

  private final ConnectionPool<ApacheConnection> pool;
  private final HttpRoute route;
  private final Destination destination;

  /** null before {@link #get}, the waiting thread during it, then DONE, CANCELLING or CANCELLED. */
  private final AtomicReference<Object> state = new AtomicReference<>();

  /** A request for a connection to {@code destination}, the pool's key for {@code route}. */
  public MooringLeaseRequest(
      ConnectionPool<ApacheConnection> pool, HttpRoute route, Destination destination) {
    this.pool = pool;
    this.route = route;
    this.destination = destination;
  }

  /**
   * Leases a connection within {@code timeout} (null or disabled: no limit). A connection the
   * watcher found closed by the peer in the moment it was leased is dropped and another leased.
   *
   * @throws TimeoutException with the pool's explanation (destination, counts) as message and cause
   * @throws InterruptedException if interrupted or {@link #cancel() cancelled}
   * @throws ExecutionException for any other failure of the pool (closed, too many waiters)
   */
  @Override
  public ConnectionEndpoint get(Timeout timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Thread me = Thread.currentThread();
    if (!state.compareAndSet(null, me)) {
      if (state.get() == DONE) {
        throw new IllegalStateException("get() was called already on this lease request");
      }
      throw new InterruptedException("lease of a connection to " + destination + " was cancelled");
    }
    Lease<ApacheConnection> lease;
    try {
      lease = acquire(timeout);
    } catch (AcquireTimeoutException e) {
      settle(me);
      TimeoutException t = new TimeoutException(e.getMessage());
      t.initCause(e);
      throw t;
    } catch (IOException e) {
      settle(me);
      throw new ExecutionException(e.getMessage(), e);
    } catch (InterruptedException e) {
      settle(me);
      throw e;
    }
    if (!settle(me)) {
      lease.close();
      throw new InterruptedException("lease of a connection to " + destination + " was cancelled");
    }
    return new MooringEndpoint(lease, route);
  }

  /**
   * Ends the wait of {@code me}; returns false if {@link #cancel()} came first, after clearing the
   * interrupt it sent, so that it does not leak into the caller's later work.
   */
  private boolean settle(Thread me) {
    if (state.compareAndSet(me, DONE)) {
      return true;
    }
    while (state.get() != CANCELLED) {
      Thread.onSpinWait(); // cancel() is between its compare-and-set and its interrupt
    }
    Thread.interrupted();
    return false;
  }

  private Lease<ApacheConnection> acquire(Timeout timeout)
      throws IOException, InterruptedException {
    long budget =
        timeout == null || timeout.isDisabled() ? Long.MAX_VALUE : timeout.toNanoseconds();
    long deadline = System.nanoTime() + budget;
    for (; ; ) {
      long left = budget == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
      Lease<ApacheConnection> lease =
          pool.acquire(destination, Duration.ofNanos(Math.max(1, left)));
      ApacheConnection c = lease.connection();
      if (c.socket().isOpen()) {
        if (c.isConnected()) {
          c.http().activate();
        }
        return lease;
      }
      lease.fail(
          new ConnectionClosedException(
              "connection to " + destination + " closed by the peer while idle"));
    }
  }

  /** Withdraws the request: a {@link #get} not yet returned throws {@link InterruptedException}. */
  @Override
  public boolean cancel() {
    for (; ; ) {
      Object s = state.get();
      if (s == null) {
        if (state.compareAndSet(null, CANCELLED)) {
          return true;
        }
      } else if (s instanceof Thread waiting) {
        if (state.compareAndSet(waiting, CANCELLING)) {
          waiting.interrupt();
          state.set(CANCELLED);
          return true;
        }
      } else {
        return false;
      }
    }
  }
}
