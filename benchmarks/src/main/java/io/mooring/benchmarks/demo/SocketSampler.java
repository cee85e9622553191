package io.mooring.benchmarks.demo;

import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.ports.PortSnapshot;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the kernel's socket table every {@code periodMillis} through Mooring's {@link PortMonitor}
 * during one phase and keeps, per client, the client-side sockets toward that client's server: in
 * TIME_WAIT, in CLOSE_WAIT, and in any state (the ephemeral ports in use). The kernel is the
 * witness, not any client's own counters. Thread safe.
 */
final class SocketSampler implements AutoCloseable {
  /** Client-side sockets toward one server, by state. */
  record Reading(int timeWait, int closeWait, int sockets) {
    static final Reading NONE = new Reading(0, 0, 0);

    Reading max(Reading o) {
      return new Reading(
          Math.max(timeWait, o.timeWait),
          Math.max(closeWait, o.closeWait),
          Math.max(sockets, o.sockets));
    }
  }

  /** One reading of one client: seconds since the phase began. */
  record Point(double seconds, Reading reading) {}

  private final PortMonitor monitor;
  private final Map<String, InetSocketAddress> servers;
  private final Map<String, List<Point>> series = new LinkedHashMap<>();
  private final Map<String, Reading> peaks = new LinkedHashMap<>();
  private final Map<String, Reading> previous = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private final long periodMillis;
  private final Thread thread;
  private volatile boolean running = true;

  SocketSampler(PortMonitor monitor, Map<String, InetSocketAddress> servers, long periodMillis) {
    this.monitor = monitor;
    this.servers = Map.copyOf(servers);
    this.periodMillis = periodMillis;
    servers.forEach(
        (name, address) -> {
          monitor.watch(address);
          series.put(name, new ArrayList<>());
          peaks.put(name, Reading.NONE);
          previous.put(name, Reading.NONE);
        });
    thread = new Thread(this::loop, "demo-socket-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      Workload.pause(periodMillis * 1_000_000); // a sampling period, not a wait for a condition
    }
  }

  /** Takes one reading of every client now and returns it by client name. */
  synchronized Map<String, Reading> sample() {
    PortSnapshot s = monitor.scan();
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Reading> now = new LinkedHashMap<>();
    servers.forEach(
        (name, address) -> {
          Reading r = s.usage(address).map(SocketSampler::reading).orElse(Reading.NONE);
          now.put(name, r);
          series.get(name).add(new Point(seconds, r));
          // CLOSE_WAIT counts when held over two readings: a socket the client is closing right
          // after the peer's FIN passes through it for an instant.
          Reading before = previous.getOrDefault(name, Reading.NONE);
          Reading held =
              new Reading(r.timeWait(), Math.min(before.closeWait(), r.closeWait()), r.sockets());
          previous.put(name, r);
          peaks.merge(name, held, Reading::max);
        });
    return now;
  }

  private static Reading reading(EndpointUsage u) {
    return new Reading(u.timeWait(), u.closeWait(), u.sockets());
  }

  /** One client's readings so far. */
  synchronized List<Point> series(String name) {
    return List.copyOf(series.get(name));
  }

  /**
   * One client's peak of each count so far; of CLOSE_WAIT, the most held over two consecutive
   * readings.
   */
  synchronized Reading peak(String name) {
    return peaks.get(name);
  }

  @Override
  public void close() {
    running = false; // not an interrupt: that would abort a scan's file read mid-way
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    servers.values().forEach(monitor::unwatch);
  }
}
