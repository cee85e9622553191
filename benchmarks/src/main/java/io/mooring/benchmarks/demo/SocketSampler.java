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
 * and keeps, per client, the client-side TIME_WAIT sockets and the ephemeral ports in use toward
 * that client's server. The kernel is the witness, not any client's own counters.
 */
final class SocketSampler implements AutoCloseable {
  /** One reading: seconds since start, and per client name its TIME_WAIT and ports in use. */
  record Sample(double seconds, Map<String, int[]> byClient) {}

  private final PortMonitor monitor;
  private final Map<String, InetSocketAddress> servers = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, int[]> peaks = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private final long periodMillis;
  private final Thread thread;
  private volatile boolean running = true;

  SocketSampler(Map<String, Integer> serverPorts, long periodMillis) {
    this.periodMillis = periodMillis;
    this.monitor = PortMonitor.builder().topN(0).build();
    serverPorts.forEach(
        (name, port) -> {
          InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
          servers.put(name, a);
          monitor.watch(a);
          peaks.put(name, new int[2]);
        });
    thread = new Thread(this::loop, "socket-sampler");
    thread.setDaemon(true);
  }

  boolean available() {
    return monitor.isAvailable();
  }

  String range() {
    return monitor.scan().range().toString();
  }

  void start() {
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(periodMillis); // a sampling period, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Takes one reading now and returns it. */
  synchronized Sample sample() {
    PortSnapshot s = monitor.scan();
    Map<String, int[]> byClient = new LinkedHashMap<>();
    servers.forEach(
        (name, address) -> {
          EndpointUsage u = s.usage(address).orElse(null);
          int[] v = {u == null ? 0 : u.timeWait(), u == null ? 0 : u.sockets()};
          byClient.put(name, v);
          int[] peak = peaks.get(name);
          peak[0] = Math.max(peak[0], v[0]);
          peak[1] = Math.max(peak[1], v[1]);
        });
    Sample sample = new Sample((System.nanoTime() - start) / 1e9, byClient);
    samples.add(sample);
    return sample;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Peak {TIME_WAIT, ports in use} of one client so far. */
  synchronized int[] peak(String name) {
    return peaks.get(name).clone();
  }

  @Override
  public void close() {
    running = false; // not an interrupt: that would abort a scan's file read mid-way
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    monitor.close();
  }
}
