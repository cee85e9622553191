package io.mooring.pool.internal;

/**
 * What the pool knows of one destination's server idle timeout: declared in settings, announced by
 * the server through the protocol, and learned from the idle age at which the peer closed
 * connections. The estimate is the smallest known value, so a request never races the server's
 * close. Thread safe; learning takes a monitor, but only on a peer's close, never on the lease
 * path.
 *
 * <p>Learning needs a consistent pattern, because a wrong value is costly: every connection idle
 * past it is retired and replaced. Peer closes that arrive together are one <em>close event</em>
 * and give at most one sample. An idle timeout closes only connections that idled about as long as
 * each other, so an event that also closes a connection much younger (one just used, or in use) or
 * resets one is a restart or a failure, not a timeout, and teaches nothing. A value is learned from
 * the last three samples only when they agree (the largest at most 1.5 times the smallest).
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

  /**
   * Peer closes within this time of the first close of an event belong to that event: a stopping
   * server closes all its connections at once, and so does an idle timeout for connections that
   * idled together.
   */
  static final long EVENT_NANOS = 250_000_000L;

  /**
   * How late past the estimated timeout a server's close may come (timer granularity, a busy
   * server) before a connection still open shows the estimate wrong.
   */
  static final long LATE_NANOS = 1_000_000_000L;

  private final long declaredNanos;
  private final boolean learn;
  private volatile long announcedNanos;
  private volatile long learnedNanos;
  private volatile long learnedAt;

  // Guarded by samples.
  private final long[] samples = new long[SAMPLES];
  private int sampleCount;
  private boolean inEvent;
  private long eventStart;

  /** The sample the current event gave, or 0 when it gave none or was found not a timeout. */
  private long eventSample;

  private boolean eventDisrupted;

  /** What the event's sample replaced, to undo it when the event turns out to be a restart. */
  private long replacedSample;

  private long replacedLearned;
  private long replacedLearnedAt;

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
   * The peer ended a connection at {@code now}, {@code ageNanos} after the connection was last
   * released (or opened); {@code 0} for a reset or an error. {@code idle} says whether it was idle;
   * a connection in use is never a sample, but a young one shows that its event was no timeout.
   */
  void observePeerClose(long ageNanos, boolean idle, long now) {
    if (!learn) {
      return;
    }
    synchronized (samples) {
      if (!inEvent || now - eventStart >= EVENT_NANOS) {
        inEvent = true;
        eventStart = now;
        eventSample = 0;
        eventDisrupted = false;
      }
      if (eventDisrupted) {
        return;
      }
      boolean timeoutLike = ageNanos >= MIN_LEARNED_NANOS;
      if (eventSample == 0) {
        if (!timeoutLike) {
          eventDisrupted = true; // a young connection or a reset: a restart or a failure
        } else if (idle) {
          addSample(ageNanos, now);
        } // else a connection in use at a timeout-like age: the keep-alive race, neutral
      } else if (!timeoutLike || (idle && !agree(ageNanos, eventSample))) {
        undoSample();
      }
    }
  }

  private void addSample(long ageNanos, long now) {
    int slot = sampleCount % SAMPLES;
    replacedSample = samples[slot];
    replacedLearned = learnedNanos;
    replacedLearnedAt = learnedAt;
    eventSample = ageNanos;
    samples[slot] = ageNanos;
    sampleCount++;
    learnedAt = now;
    if (sampleCount >= SAMPLES) {
      long a = samples[0];
      long b = samples[1];
      long c = samples[2];
      long min = Math.min(a, Math.min(b, c));
      long max = Math.max(a, Math.max(b, c));
      if (agree(min, max)) {
        learnedNanos = a + b + c - min - max; // the median
      }
    }
  }

  /** Takes back the sample of the current event: it was a restart or a failure. */
  private void undoSample() {
    eventDisrupted = true;
    if (eventSample == 0) {
      return;
    }
    sampleCount--;
    samples[sampleCount % SAMPLES] = replacedSample;
    learnedNanos = replacedLearned;
    learnedAt = replacedLearnedAt;
    eventSample = 0;
  }

  /** Whether two idle ages are within a factor 1.5 of each other. */
  private static boolean agree(long x, long y) {
    return Math.max(x, y) * 2 <= Math.min(x, y) * 3;
  }

  /**
   * A connection idled {@code ageNanos} without the peer closing it, though the estimate said it
   * would: a learned value that short is wrong (the server changed, or a restart taught it) and is
   * forgotten. Declared and announced values stay: the user or the server said so.
   */
  void contradicted(long ageNanos) {
    synchronized (samples) {
      if (learnedNanos > 0 && learnedNanos <= ageNanos) {
        learnedNanos = 0;
        sampleCount = 0;
        eventSample = 0; // nothing left to undo
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
