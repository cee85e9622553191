package io.mooring.pool.internal;

/**
 * What the pool knows of one destination's server idle timeout: declared in settings, announced by
 * the server through the protocol, and learned from the idle age at which the peer closed
 * connections. The estimate is the smallest known value, so a request never races the server's
 * close. Thread safe; learning takes a monitor, but only on a peer's close, never on the lease
 * path.
 */
final class KeepAliveEstimate {
  private static final int SAMPLES = 3;

  private final long declaredNanos;
  private final boolean learn;
  private volatile long announcedNanos;
  private volatile long learnedNanos;
  private final long[] samples = new long[SAMPLES];
  private int sampleCount;

  KeepAliveEstimate(long declaredNanos, boolean learn) {
    this.declaredNanos = declaredNanos;
    this.learn = learn;
  }

  /** The server announced its timeout; {@code 0} or less is ignored. */
  void announce(long nanos) {
    if (nanos > 0) {
      announcedNanos = nanos;
    }
  }

  /**
   * The peer closed a connection that had been idle for {@code idleNanos}. The median of the last
   * three such ages becomes the learned timeout, so one unrelated close (a server restart) does not
   * teach a wrong value.
   */
  void observePeerClose(long idleNanos) {
    if (!learn || idleNanos <= 0) {
      return;
    }
    synchronized (samples) {
      samples[sampleCount++ % SAMPLES] = idleNanos;
      if (sampleCount >= SAMPLES) {
        long a = samples[0];
        long b = samples[1];
        long c = samples[2];
        learnedNanos = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
      }
    }
  }

  /** The expected server idle timeout in nanoseconds, or 0 when unknown. */
  long timeoutNanos() {
    return minPositive(declaredNanos, minPositive(announcedNanos, learnedNanos));
  }

  private static long minPositive(long a, long b) {
    if (a <= 0) {
      return b;
    }
    return b <= 0 ? a : Math.min(a, b);
  }
}
