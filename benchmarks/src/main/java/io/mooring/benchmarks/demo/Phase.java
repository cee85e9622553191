package io.mooring.benchmarks.demo;

import java.time.Duration;

/**
 * One situation from production that every client goes through, each against its own server.
 * Implementations are immutable; {@link #run} is called once per client, concurrently.
 */
interface Phase {

  /** What {@code --phases} selects it by. */
  String key();

  /** A short title for tables and charts. */
  String title();

  /** What happens, in one sentence. */
  String summary();

  /** Requests the server serves on one connection before closing it; 0 for no limit. */
  default int serverMaxRequests() {
    return 0;
  }

  /** How long the server lets a connection idle before closing it. */
  default Duration serverKeepAlive() {
    return Duration.ofSeconds(60); // longer than any phase, like nginx's 75 s
  }

  /** Runs the situation for one client. */
  void run(PhaseRun run) throws Exception;
}
