package io.mooring.benchmarks.demo;

import java.time.Duration;
import java.util.Locale;

/**
 * Phase 2: a burst opens many connections, the client then idles past its own idle eviction (the
 * server keeps connections longer), then a trickle: who closes the surplus connections, and how.
 */
final class BurstIdlePhase implements Phase {
  static final int BURST_IN_FLIGHT = 32;
  private static final int TRICKLE = 10;
  private static final Duration TRICKLE_PERIOD = Duration.ofMillis(100);

  private final int burst;
  private final Duration idle;

  BurstIdlePhase(double scale, Duration idleEviction) {
    this.burst = Math.max(BURST_IN_FLIGHT, (int) Math.round(8 * BURST_IN_FLIGHT * scale));
    // Twice the eviction: Apache's evictor checks once per eviction period.
    this.idle = idleEviction.multipliedBy(2).plusMillis(500);
  }

  @Override
  public String key() {
    return "burst";
  }

  @Override
  public String title() {
    return "2 burst, idle, trickle";
  }

  @Override
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%,d GETs with %d in flight, then %.1f s idle (past every client's idle eviction; the"
            + " server keeps idle connections 60 s), then %d GETs %d ms apart.",
        burst,
        BURST_IN_FLIGHT,
        idle.toMillis() / 1000.0,
        TRICKLE,
        TRICKLE_PERIOD.toMillis());
  }

  @Override
  public void run(PhaseRun run) throws InterruptedException {
    run.load().closedLoop(BURST_IN_FLIGHT, burst);
    Workload.pause(idle.toNanos());
    run.load().paced(1, TRICKLE_PERIOD, TRICKLE_PERIOD.multipliedBy(TRICKLE));
  }
}
