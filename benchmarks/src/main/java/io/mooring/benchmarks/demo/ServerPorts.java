package io.mooring.benchmarks.demo;

import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.ports.PortSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Hands out loopback server ports below the ephemeral range, each once per run and only when the
 * kernel's table holds no socket toward it (an earlier run's TIME_WAIT would be counted as this
 * one's). Not thread safe.
 */
final class ServerPorts {
  private static final int FIRST = 20_000;
  private static final int LAST = 32_000;

  private final PortMonitor monitor;
  private int next = FIRST;

  ServerPorts(PortMonitor monitor) {
    this.monitor = monitor;
  }

  /** A port nothing listens on and no socket points to. */
  int next() throws IOException {
    for (; next < LAST; next++) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", next);
      if (bindable(address) && untouched(address)) {
        return next++;
      }
    }
    throw new IOException(
        "no free port between " + FIRST + " and " + LAST + " (below the ephemeral range)");
  }

  private static boolean bindable(InetSocketAddress address) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(address);
      return true;
    } catch (IOException busy) {
      return false;
    }
  }

  /** No socket toward it; it stays watched if so (the phase's sampler reads it next). */
  private boolean untouched(InetSocketAddress address) {
    monitor.watch(address); // only watched endpoints are reported whatever their count
    PortSnapshot table = monitor.scan();
    if (table.usage(address).map(u -> u.sockets() > 0).orElse(false)) {
      monitor.unwatch(address);
      return false;
    }
    return true;
  }
}
