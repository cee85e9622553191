package io.mooring.pool.ports.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.PortSnapshot;
import io.mooring.pool.ports.PortState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code mooring.ports.*} meters of one monitor in one registry. Gauges read the monitor's last
 * snapshot; per-destination gauges are added and removed as destinations enter and leave the
 * reported set. Called only under the monitor's scan lock.
 */
public final class PortMeters {
  /** Gauge: size of the ephemeral port range, in ports. */
  public static final String RANGE = "mooring.ports.ephemeral.range";

  /** Gauge: sockets with a local port in the ephemeral range, tagged {@code state}. */
  public static final String SOCKETS = "mooring.ports.sockets";

  /** Gauge: utilisation 0..1 of the ephemeral range toward a {@code destination}. */
  public static final String UTILIZATION = "mooring.ports.utilization";

  /** Gauge: TIME_WAIT sockets toward a {@code destination}. */
  public static final String TIME_WAIT = "mooring.ports.timewait";

  /** Gauge: CLOSE_WAIT sockets toward a {@code destination}. */
  public static final String CLOSE_WAIT = "mooring.ports.closewait";

  /** Timer: time one scan took. */
  public static final String SCAN_DURATION = "mooring.ports.scan.duration";

  /** Gauge: 1 when the kernel's tables can be read, 0 otherwise. */
  public static final String AVAILABLE = "mooring.ports.available";

  /** Counter: lines of the socket tables skipped because they did not parse. */
  public static final String MALFORMED = "mooring.ports.scan.malformed";

  private final MeterRegistry registry;
  private final Supplier<PortSnapshot> last;
  private final List<Meter> fixed = new ArrayList<>();
  private final Map<String, List<Meter>> perDestination = new HashMap<>();
  private final Timer scanDuration;

  /**
   * Registers the fixed meters in {@code registry}: gauges of the snapshot {@code last} gives, and
   * the malformed-line count {@code malformedTotal} gives.
   */
  public PortMeters(
      MeterRegistry registry, Supplier<PortSnapshot> last, LongSupplier malformedTotal) {
    this.registry = registry;
    this.last = last;
    fixed.add(
        Gauge.builder(RANGE, last, l -> l.get().range().size())
            .baseUnit("ports")
            .description("Size of the ephemeral port range (ip_local_port_range)")
            .strongReference(true)
            .register(registry));
    for (PortState state : PortState.values()) {
      fixed.add(
          Gauge.builder(SOCKETS, last, l -> l.get().sockets(state))
              .tag("state", state.tag())
              .baseUnit("sockets")
              .description("Sockets whose local port is in the ephemeral range, by TCP state")
              .strongReference(true)
              .register(registry));
    }
    fixed.add(
        Gauge.builder(AVAILABLE, last, l -> l.get().available() ? 1 : 0)
            .description("1 when the kernel's socket tables can be read (Linux), else 0")
            .strongReference(true)
            .register(registry));
    fixed.add(
        FunctionCounter.builder(MALFORMED, malformedTotal, LongSupplier::getAsLong)
            .baseUnit("lines")
            .description("Socket table lines skipped because they did not parse")
            .register(registry));
    scanDuration =
        Timer.builder(SCAN_DURATION)
            .description("Time to read and count the kernel's socket tables")
            .register(registry);
    fixed.add(scanDuration);
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records the scan and brings the per-destination meters in line with {@code s}. */
  public void update(PortSnapshot s) {
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
        Gauge.builder(UTILIZATION, last, l -> value(l, destination, 0))
            .tag("destination", destination)
            .description("Share of the ephemeral port range used toward the destination, 0..1")
            .strongReference(true)
            .register(registry));
    meters.add(
        Gauge.builder(TIME_WAIT, last, l -> value(l, destination, 1))
            .tag("destination", destination)
            .baseUnit("sockets")
            .description("TIME_WAIT sockets toward the destination from ephemeral ports")
            .strongReference(true)
            .register(registry));
    meters.add(
        Gauge.builder(CLOSE_WAIT, last, l -> value(l, destination, 2))
            .tag("destination", destination)
            .baseUnit("sockets")
            .description("CLOSE_WAIT sockets toward the destination from ephemeral ports")
            .strongReference(true)
            .register(registry));
    return meters;
  }

  private static double value(Supplier<PortSnapshot> last, String destination, int which) {
    EndpointUsage u = last.get().usage(destination).orElse(null);
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
  public void remove() {
    fixed.forEach(registry::remove);
    perDestination.values().forEach(ms -> ms.forEach(registry::remove));
    perDestination.clear();
  }
}
