package io.mooring.pool;

import io.mooring.pool.internal.SystemScheduler;

/**
 * Runs the pool's delayed tasks: acquire timeouts and housekeeping. Injected so tests can run
 * timers by hand. Implementations must be thread safe and must not run a task on the calling
 * thread.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once after {@code delayNanos}; the returned handle cancels it if it has not
   * started.
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A shared scheduler on one daemon thread. Its tasks must be short and never block. */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** A scheduled task that can be withdrawn. */
  @FunctionalInterface
  interface Cancellable {
    /** Withdraws the task if it has not started; harmless otherwise. */
    void cancel();
  }
}
