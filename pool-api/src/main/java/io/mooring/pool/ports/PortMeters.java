package io.mooring.pool.ports;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code mooring.ports.*} meters of one monitor in one registry. Gauges read the monitor's last
 * snapshot; per-destination gauges are added and removed as destinations enter and leave the
 * reported set. Called only under the monitor's scan lock.
 */
final class PortMeters {
  private final MeterRegistry registry;
  private final PortMonitor monitor;
  private final List<Meter> fixed = new ArrayList<>();
  private final Map<String, List<Meter>> perDestination = new HashMap<>();
  private final Timer scanDuration;

  PortMeters(MeterRegistry registry, PortMonitor monitor) {
    this.registry = registry;
    this.monitor = monitor;
    fixed.add(
        Gauge.builder(PortMonitor.RANGE, monitor, m -> m.lastSnapshot().range().size())
            .baseUnit("ports")
            .description("Size of the ephemeral port range (ip_local_port_range)")
            .strongReference(true)
            .register(registry));
    for (PortState state : PortState.values()) {
      fixed.add(
          Gauge.builder(PortMonitor.SOCKETS, monitor, m -> m.lastSnapshot().sockets(state))
              .tag("state", state.tag())
              .baseUnit("sockets")
              .description("Sockets whose local port is in the ephemeral range, by TCP state")
              .strongReference(true)
              .register(registry));
    }
    fixed.add(
        Gauge.builder(PortMonitor.AVAILABLE, monitor, m -> m.lastSnapshot().available() ? 1 : 0)
            .description("1 when the kernel's socket tables can be read (Linux), else 0")
            .strongReference(true)
            .register(registry));
    fixed.add(
        FunctionCounter.builder(PortMonitor.MALFORMED, monitor, m -> m.malformedTotal.get())
            .baseUnit("lines")
            .description("Socket table lines skipped because they did not parse")
            .register(registry));
    scanDuration =
        Timer.builder(PortMonitor.SCAN_DURATION)
            .description("Time to read and count the kernel's socket tables")
            .register(registry);
    fixed.add(scanDuration);
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Records the scan and brings the per-destination meters in line with {@code s}. */
  void update(PortSnapshot s) {
    if (s.available() && s.lines() > 0) {
      scanDuration.record(s.scanDuration().toNanos(), TimeUnit.NANOSECONDS);
    }
    Set<String> now = new HashSet<>();
    for (EndpointUsage u : s.destinations()) {
      now.add(u.destination());
      perDestination.computeIfAbsent(u.destination(), this::register);
    }
    perDestination
        .entrySet()
        .removeIf(
            e -> {
              if (now.contains(e.getKey())) {
                return false;
              }
              e.getValue().forEach(registry::remove);
              return true;
            });
  }

  private List<Meter> register(String destination) {
    List<Meter> meters = new ArrayList<>(3);
    meters.add(
        Gauge.builder(PortMonitor.UTILIZATION, monitor, m -> value(m, destination, 0))
            .tag("destination", destination)
            .description("Share of the ephemeral port range used toward the destination, 0..1")
            .strongReference(true)
            .register(registry));
    meters.add(
        Gauge.builder(PortMonitor.TIME_WAIT, monitor, m -> value(m, destination, 1))
            .tag("destination", destination)
            .baseUnit("sockets")
            .description("TIME_WAIT sockets toward the destination from ephemeral ports")
            .strongReference(true)
            .register(registry));
    meters.add(
        Gauge.builder(PortMonitor.CLOSE_WAIT, monitor, m -> value(m, destination, 2))
            .tag("destination", destination)
            .baseUnit("sockets")
            .description("CLOSE_WAIT sockets toward the destination from ephemeral ports")
            .strongReference(true)
            .register(registry));
    return meters;
  }

  private static double value(PortMonitor m, String destination, int which) {
    EndpointUsage u = m.lastSnapshot().byTag(destination);
    if (u == null) {
      return Double.NaN;
    }
    switch (which) {
      case 0:
        return u.utilization();
      case 1:
        return u.timeWait();
      default:
        return u.closeWait();
    }
  }

  /** Removes every meter this binding added. */
  void remove() {
    fixed.forEach(registry::remove);
    perDestination.values().forEach(ms -> ms.forEach(registry::remove));
    perDestination.clear();
  }
}
