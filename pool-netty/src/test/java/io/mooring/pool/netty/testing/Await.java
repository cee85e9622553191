package io.mooring.pool.netty.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition against a deadline; kept for this module's tests, the helper itself lives in
 * pool-api's test-jar ({@link io.mooring.pool.testing.Await}) so that every module can use it.
 */
public final class Await {
  private Await() {}

  /**
   * See {@link io.mooring.pool.testing.Await#until(String, Duration, BooleanSupplier, Supplier)}.
   */
  public static Duration until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
    return io.mooring.pool.testing.Await.until(what, timeout, condition, state);
  }

  /** See {@link io.mooring.pool.testing.Await#until(String, Duration, BooleanSupplier)}. */
  public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    return io.mooring.pool.testing.Await.until(what, timeout, condition);
  }
}
