package io.mooring.benchmarks.demo;

import java.util.Locale;

/** Phase 1: steady keep-alive load while the server closes each connection after N requests. */
final class SteadyPhase implements Phase {
  static final int IN_FLIGHT = 16;
  static final int BASE_REQUESTS = 4_000;
  private static final int MAX_REQUESTS = 100;

  private final int requests;

  SteadyPhase(double scale) {
    this.requests = Math.max(IN_FLIGHT, (int) Math.round(BASE_REQUESTS * scale));
  }

  @Override
  public String key() {
    return "steady";
  }

  @Override
  public String title() {
    return "1 steady load";
  }

  @Override
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%,d GETs with %d in flight while the server closes each connection after its %dth"
            + " request with Connection: close (server first, like nginx's keepalive_requests).",
        requests,
        IN_FLIGHT,
        MAX_REQUESTS);
  }

  @Override
  public int serverMaxRequests() {
    return MAX_REQUESTS;
  }

  @Override
  public void run(PhaseRun run) throws InterruptedException {
    run.load().closedLoop(IN_FLIGHT, requests);
  }
}
