package io.mooring.okhttp;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition on real sockets against a deadline: the kernel gives no event to wait on. */
final class Poll {
  private Poll() {}

  /**
   * Returns once {@code condition} holds, checking every 5 ms.
   *
   * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
   */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
