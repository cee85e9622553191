package io.mooring.benchmarks.demo;

import java.time.Duration;
import java.util.Locale;

/**
 * Phase 3: the keep-alive race. Batches of concurrent GETs, each sent after the previous batch's
 * connections idled just about the server's keep-alive timeout, as a periodic job does.
 */
final class RacePhase implements Phase {
  static final int BATCH = 16;
  static final Duration SERVER_KEEP_ALIVE = Duration.ofMillis(1_500);

  /** How far from the server's timeout each batch is sent, in turn: either side, within 40 ms. */
  private static final long[] OFFSET_MILLIS = {0, -40, 40, -20, 20};

  private final int batches;

  RacePhase(double scale) {
    this.batches = 1 + Math.max(1, (int) Math.round(6 * scale));
  }

  @Override
  public String key() {
    return "race";
  }

  @Override
  public String title() {
    return "3 keep-alive race";
  }

  @Override
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d batches of %d concurrent GETs, each batch sent when the connections have idled the"
            + " server's keep-alive timeout (%.1f s, not announced in a Keep-Alive header) give or"
            + " take 40 ms.",
        batches,
        BATCH,
        SERVER_KEEP_ALIVE.toMillis() / 1000.0);
  }

  @Override
  public Duration serverKeepAlive() {
    return SERVER_KEEP_ALIVE;
  }

  @Override
  public void run(PhaseRun run) throws InterruptedException {
    for (int b = 0; b < batches; b++) {
      if (b > 0) {
        long offset = OFFSET_MILLIS[(b - 1) % OFFSET_MILLIS.length];
        Workload.pause(SERVER_KEEP_ALIVE.plusMillis(offset).toNanos());
      }
      run.load().closedLoop(BATCH, BATCH);
    }
  }
}
