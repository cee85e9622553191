package io.mooring.benchmarks.http;

import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.PortMonitor;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Client-side sockets toward a server, read from the kernel's tables ({@code /proc/net/tcp} and
 * {@code tcp6}) through Mooring's {@link PortMonitor}: the kernel is the witness, not the clients'
 * own counters. Each run has a fresh server port, so every TIME_WAIT toward it was created by that
 * run's client.
 */
final class SocketCounter {
  private final PortMonitor monitor = PortMonitor.builder().topN(0).build();

  /** Whether the socket tables can be read on this machine. */
  boolean available() {
    return monitor.isAvailable();
  }

  /** Client sockets toward {@code server} in TIME_WAIT now; -1 if unknown. */
  int timeWait(InetSocketAddress server) {
    return usage(server).map(EndpointUsage::timeWait).orElse(available() ? 0 : -1);
  }

  /** Client sockets toward {@code server} not yet closed (any state but TIME_WAIT). */
  int open(InetSocketAddress server) {
    return usage(server).map(u -> u.sockets() - u.timeWait()).orElse(0);
  }

  /**
   * Waits up to {@code millis} for the client's sockets toward {@code server} to be closed or in
   * TIME_WAIT, asking for a garbage collection once (the JDK 17 client closes its connections only
   * when it becomes unreachable). Returns the sockets still open.
   */
  int awaitClosed(InetSocketAddress server, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    boolean collected = false;
    int open = open(server);
    while (open > 0 && System.nanoTime() < deadline) {
      if (!collected) {
        System.gc();
        collected = true;
      }
      Thread.sleep(50);
      open = open(server);
    }
    return open;
  }

  private Optional<EndpointUsage> usage(InetSocketAddress server) {
    monitor.watch(server);
    try {
      return monitor.scan().usage(server);
    } finally {
      monitor.unwatch(server);
    }
  }
}
