package io.mooring.pool.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition against a deadline: real sockets give no event to wait on. */
public final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} holds, polling every 2 ms; returns the time it took.
   *
   * @throws AssertionError naming {@code what} and the last {@code state} if it never holds
   */
  public static Duration until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; state: " + state.get());
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** {@link #until(String, Duration, BooleanSupplier, Supplier)} without state. */
  public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    return until(what, timeout, condition, () -> "n/a");
  }
}
