package io.mooring.benchmarks.http;

/** Something that loads a server for one run: a JVM client, or {@code wrk}. */
interface Contender {
  /** The name in the table. */
  String name();

  /**
   * Loads a fresh server (started and closed by the contender) with {@code inFlight} concurrent
   * requests: a warm-up, then the measured phase; then closes its client and counts the sockets.
   */
  RunResult run(String serverKind, TargetServer.Starter starter, int inFlight, HarnessOptions o)
      throws Exception;
}
