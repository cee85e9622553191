package io.mooring.benchmarks.demo;

import java.time.Duration;

/** What a {@link Phase} works with for one client: its load, its server, and closing the client. */
interface PhaseRun {

  /** The requests, sent through this client to this run's server. */
  Workload load();

  /** This run's server, which the phase may stop and start. */
  DemoServer server();

  /** Closes the client now (once); the phase is then measured after its sockets settle. */
  void closeClient();

  /**
   * Waits until the client holds no socket toward the server other than TIME_WAIT, at most {@code
   * limit}, asking for a GC while it waits (a client without {@code close()} lets go of its
   * connections when collected).
   */
  void awaitClientSocketsClosed(Duration limit);
}
