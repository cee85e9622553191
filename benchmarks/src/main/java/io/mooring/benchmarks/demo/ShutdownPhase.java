package io.mooring.benchmarks.demo;

import java.time.Duration;
import java.util.Locale;

/** Phase 5: the client shuts down with idle connections open: who sends the first FIN. */
final class ShutdownPhase implements Phase {
  private static final int IN_FLIGHT = 16;
  private static final Duration SETTLE = Duration.ofMillis(200);
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(15);

  private final int requests;

  ShutdownPhase(double scale) {
    this.requests = IN_FLIGHT * Math.max(1, (int) Math.round(4 * scale));
  }

  @Override
  public String key() {
    return "shutdown";
  }

  @Override
  public String title() {
    return "5 client shutdown";
  }

  @Override
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d GETs with %d in flight, then the client is closed the way its library offers and"
            + " its connections are counted until they are gone (at most %d s).",
        requests,
        IN_FLIGHT,
        CLOSE_LIMIT.toSeconds());
  }

  @Override
  public void run(PhaseRun run) throws InterruptedException {
    run.load().closedLoop(IN_FLIGHT, requests);
    Workload.pause(SETTLE.toNanos());
    run.closeClient();
    run.awaitClientSocketsClosed(CLOSE_LIMIT);
  }
}
