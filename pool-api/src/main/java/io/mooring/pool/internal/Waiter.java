package io.mooring.pool.internal;

import io.mooring.pool.Lease;
import io.mooring.pool.Scheduler;
import java.util.concurrent.CompletableFuture;

/**
 * An acquirer waiting for a connection: the future the caller holds. Completing it in any way
 * (lease, timeout, cancel) withdraws it from its partition's queue and stops its timer.
 */
final class Waiter<C> extends CompletableFuture<Lease<C>> {
  final Partition<C> partition;
  final long startedAt;
  volatile Scheduler.Cancellable timer;

  Waiter(Partition<C> partition, long startedAt) {
    this.partition = partition;
    this.startedAt = startedAt;
  }

  @Override
  public boolean complete(Lease<C> lease) {
    if (!super.complete(lease)) {
      return false;
    }
    partition.onWaiterDone(this, null);
    return true;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    if (!super.completeExceptionally(ex)) {
      return false;
    }
    partition.onWaiterDone(this, ex);
    return true;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!super.cancel(mayInterruptIfRunning)) {
      return false;
    }
    partition.onWaiterDone(this, null);
    return true;
  }
}
