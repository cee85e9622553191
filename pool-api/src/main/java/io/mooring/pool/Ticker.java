package io.mooring.pool;

/** A source of monotonic time in nanoseconds, injected so tests can step time by hand. */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
  long nanoTime();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
