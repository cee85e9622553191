package io.mooring.benchmarks.demo;

import java.time.Duration;
import java.util.Locale;

/**
 * Phase 4: the server restarts under load. Its connections close server first, connects are refused
 * while it is down, and the idle connections left in the pool are stale.
 */
final class RestartPhase implements Phase {
  private static final int BURST_IN_FLIGHT = 16;
  private static final int PACED_THREADS = 4;
  private static final Duration PERIOD = Duration.ofMillis(50);
  private static final Duration BEFORE = Duration.ofSeconds(1);
  private static final Duration DOWN = Duration.ofMillis(500);
  private static final Duration AFTER = Duration.ofMillis(1_500);

  @Override
  public String key() {
    return "restart";
  }

  @Override
  public String title() {
    return "4 server restart";
  }

  @Override
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d GETs with %d in flight open connections, then %d threads send a GET every %d ms"
            + " while the server stops after %.1f s (closing its connections), stays down %.1f s"
            + " (connects refused) and runs again for %.1f s.",
        BURST_IN_FLIGHT * 4,
        BURST_IN_FLIGHT,
        PACED_THREADS,
        PERIOD.toMillis(),
        BEFORE.toMillis() / 1000.0,
        DOWN.toMillis() / 1000.0,
        AFTER.toMillis() / 1000.0);
  }

  @Override
  public void run(PhaseRun run) throws Exception {
    run.load().closedLoop(BURST_IN_FLIGHT, BURST_IN_FLIGHT * 4);
    Thread restart =
        new Thread(
            () -> {
              Workload.pause(BEFORE.toNanos());
              run.server().stop();
              Workload.pause(DOWN.toNanos());
              try {
                run.server().start();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "demo-restart");
    restart.start();
    run.load().paced(PACED_THREADS, PERIOD, BEFORE.plus(DOWN).plus(AFTER));
    restart.join();
  }
}
