package io.mooring.http.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition on real sockets, which give no event to wait on: polls to a deadline. */
public final class Eventually {
  private Eventually() {}

  /**
   * Returns once {@code condition} holds; polls every 5 ms.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
   */
  public static void holds(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(5);
    }
  }
}
