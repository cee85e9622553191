package io.mooring.benchmarks.http;

import java.net.InetSocketAddress;

/** A JVM client, driven by a {@link ClosedLoop} in this JVM. */
final class JvmClientContender implements Contender {
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final String name;
  private final HttpClientAdapter.Opener opener;
  private final AllocationMeter allocation;
  private final CpuMeter cpu;
  private final SocketCounter sockets;

  JvmClientContender(
      String name,
      HttpClientAdapter.Opener opener,
      AllocationMeter allocation,
      CpuMeter cpu,
      SocketCounter sockets) {
    this.name = name;
    this.opener = opener;
    this.allocation = allocation;
    this.cpu = cpu;
    this.sockets = sockets;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RunResult run(
      String serverKind, TargetServer.Starter starter, int inFlight, HarnessOptions o)
      throws Exception {
    try (TargetServer server = starter.start()) {
      InetSocketAddress address = server.address();
      Measured measured;
      try {
        measured = measure(server, inFlight, o);
      } catch (Exception e) {
        return RunResult.broken(serverKind, name, inFlight, e);
      }
      // The client is closed and unreferenced here: the JDK 17 client closes its connections only
      // once collected, which awaitClosed asks for.
      int stillOpen = sockets.awaitClosed(address, CLOSE_WAIT_MILLIS);
      int timeWait = sockets.timeWait(address);
      ClosedLoop.Measurement m = measured.measurement();
      CpuMeter.Cost cost = m.cost();
      return new RunResult(
          serverKind,
          name,
          inFlight,
          m.ok(),
          m.failed(),
          m.seconds(),
          m.latencies().getValueAtPercentile(50),
          m.latencies().getValueAtPercentile(99),
          measured.accepted(),
          timeWait,
          stillOpen,
          perRequest(m.allocatedBytes(), m.ok()),
          perRequest(cost.cpuNanos(), m.ok()) / 1e3,
          perRequest(cost.switches(), m.ok()),
          cost.endedThreads(),
          m.failures());
    }
  }

  /** {@code total / requests}, NaN when either is unknown or no request completed. */
  private static double perRequest(long total, long requests) {
    return total >= 0 && requests > 0 ? (double) total / requests : Double.NaN;
  }

  /** A measurement and the connections the server accepted while the client was open. */
  private record Measured(ClosedLoop.Measurement measurement, long accepted) {}

  /** Opens the client, runs the load, closes the client. */
  private Measured measure(TargetServer server, int inFlight, HarnessOptions o) throws Exception {
    try (HttpClientAdapter client = opener.open(server.uri(), inFlight)) {
      ClosedLoop.Measurement m =
          new ClosedLoop(client, inFlight, allocation, cpu)
              .run(o.warmUpMillis(), o.durationMillis());
      return new Measured(m, server.accepted().orElse(-1));
    }
  }
}
