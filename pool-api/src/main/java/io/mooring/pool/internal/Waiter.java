package io.mooring.pool.internal;

import io.mooring.pool.Lease;
import io.mooring.pool.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * An acquirer waiting for a connection: the future the caller holds. Completing it in any way
 * (lease, timeout, cancel) withdraws it from its partition's queue and stops its timer.
 *
 * <p>The engine completes the future of an asynchronous acquirer on the pool's executor, because
 * completing runs the caller's dependent actions; a blocking acquirer's future has none (the caller
 * only waits on it), so the engine completes it where it is, which costs only a wake-up.
 */
final class Waiter<C> extends CompletableFuture<Lease<C>> {
  final Partition<C> partition;
  final long startedAt;

  /** Whether the caller blocks on this future itself and attaches no dependent actions. */
  final boolean blocking;

  volatile Scheduler.Cancellable timer;

  /**
   * Whether acquirers that arrived later may no longer be served before this one: set at once for
   * asynchronous acquirers and when barging is off, else when its barging window ends. See {@link
   * io.mooring.pool.PoolSettings#bargingWindow()}.
   */
  volatile boolean inTurn;

  /** The blocking acquirer's thread while it parks in {@link #awaitWindow}, else null. */
  private volatile Thread parked;

  /**
   * What the draining thread decided for this waiter after taking it off the queue: the lease to
   * hand over, or null to open a connection for it; and the next waiter it decided for. Written and
   * read only by that thread, which acts on them once it has left the drain.
   */
  DefaultLease<C> handOff;

  Waiter<C> nextDecided;

  Waiter(Partition<C> partition, long startedAt, boolean blocking) {
    this.partition = partition;
    this.startedAt = startedAt;
    this.blocking = blocking;
    this.inTurn = !blocking || !partition.barging();
  }

  /**
   * Parks the calling thread, the blocking acquirer, until this future completes or {@code nanos}
   * pass; returns whether it completed. Unlike {@code get(timeout)} it allocates nothing and throws
   * no {@link java.util.concurrent.TimeoutException} when the time is up, which here is the usual
   * outcome: a waiter's barging window ends once per wait.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  boolean awaitWindow(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    parked = Thread.currentThread();
    try {
      while (!isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return true;
    } finally {
      parked = null;
    }
  }

  private void wake() {
    Thread t = parked;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public boolean complete(Lease<C> lease) {
    if (!super.complete(lease)) {
      return false;
    }
    wake();
    partition.onWaiterDone(this, null);
    return true;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    if (!super.completeExceptionally(ex)) {
      return false;
    }
    wake();
    partition.onWaiterDone(this, ex);
    return true;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!super.cancel(mayInterruptIfRunning)) {
      return false;
    }
    wake();
    partition.onWaiterDone(this, null);
    return true;
  }
}
