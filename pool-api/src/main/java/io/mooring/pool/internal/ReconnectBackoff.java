package io.mooring.pool.internal;

import io.mooring.pool.Scheduler;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One episode of refused connects to a destination, from the first refusal until a connect succeeds
 * or the connect-retry budget is spent: when the next attempt is due, with jittered exponential
 * backoff. Guarded by its partition's reconnect lock.
 *
 * <p>The delays double from {@value #FIRST_MILLIS} ms up to {@value #MAX_MILLIS} ms, each a random
 * point in the upper half of its step ("equal jitter"): never so short that many clients of a
 * restarting server knock in step, never so long that a server back after a few hundred
 * milliseconds waits for long. The last attempt is made when the budget ends.
 */
final class ReconnectBackoff {
  static final long FIRST_MILLIS = 10;
  static final long MAX_MILLIS = 250;

  /** When the first connect of the episode was refused. */
  final long startedAt;

  /** The deadline of the episode: no attempt after it. */
  final long endsAt;

  /** Reconnect attempts made so far. */
  int attempts;

  /** The pending attempt's timer, or null while an attempt is in flight. */
  Scheduler.Cancellable timer;

  ReconnectBackoff(long now, long budgetNanos) {
    this.startedAt = now;
    this.endsAt = now + budgetNanos;
  }

  /** Whether the budget is spent at {@code now}. */
  boolean exhausted(long now) {
    return now - endsAt >= 0;
  }

  /** The delay before the next attempt, from {@code now}; never past the end of the budget. */
  long nextDelayNanos(long now) {
    long step =
        TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(attempts, 10)));
    long delay = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    return Math.max(0, Math.min(delay, endsAt - now));
  }
}
