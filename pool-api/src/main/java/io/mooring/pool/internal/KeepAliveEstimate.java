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

  /**
   * Closes at shorter idle ages are not taken as a timeout: they come from restarts and resets, and
   * learning them would retire every connection at once. Shorter timeouts must be declared.
   */
  static final long MIN_LEARNED_NANOS = 1_000_000_000L;

  /**
   * A learned value is forgotten this long after its last sample, because a pool that respects it
   * never sees the server's real close again and could not otherwise unlearn a wrong value.
   */
  static final long LEARNED_TTL_NANOS = 600_000_000_000L;

  private final long declaredNanos;
  private final boolean learn;
  private volatile long announcedNanos;
  private volatile long learnedNanos;
  private volatile long learnedAt;
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
  void observePeerClose(long idleNanos, long now) {
    if (!learn || idleNanos < MIN_LEARNED_NANOS) {
      return;
    }
    synchronized (samples) {
      learnedAt = now;
      samples[sampleCount++ % SAMPLES] = idleNanos;
      if (sampleCount >= SAMPLES) {
        long a = samples[0];
        long b = samples[1];
        long c = samples[2];
        learnedNanos = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
      }
    }
  }

  /** The expected server idle timeout in nanoseconds at {@code now}, or 0 when unknown. */
  long timeoutNanos(long now) {
    long learned = now - learnedAt < LEARNED_TTL_NANOS ? learnedNanos : 0;
    return minPositive(declaredNanos, minPositive(announcedNanos, learned));
  }

  private static long minPositive(long a, long b) {
    if (a <= 0) {
      return b;
    }
    return b <= 0 ? a : Math.min(a, b);
  }
}
