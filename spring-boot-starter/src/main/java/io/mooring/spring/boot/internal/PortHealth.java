package io.mooring.spring.boot.internal;

import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.ports.PortSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code mooring} health, whatever Spring Boot line reports it: from the port monitor's last
 * scan, UP while every destination is below the high-water mark, OUT_OF_SERVICE at or above it (the
 * pool then opens no new connection to it), with each reported destination's port use as details.
 * Thread safe: reads the monitor's last snapshot, no I/O.
 */
public final class PortHealth {
  /** The status code at or above the high-water mark. */
  public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  /** The status code below it. */
  public static final String UP = "UP";

  private final PortMonitor monitor;

  /** Health from {@code monitor}, which the caller owns and starts. */
  public PortHealth(PortMonitor monitor) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
  }

  /** The health as of the last scan. */
  public Report report() {
    PortSnapshot s = monitor.lastSnapshot();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("available", s.available());
    details.put("ephemeralPorts", s.range().size());
    details.put("warnThreshold", monitor.warnThreshold());
    details.put("highWaterMark", monitor.highWaterMark());
    String status = UP;
    Map<String, Object> destinations = new LinkedHashMap<>();
    for (EndpointUsage u : s.destinations()) {
      if (u.utilization() >= monitor.highWaterMark()) {
        status = OUT_OF_SERVICE;
      }
      if (u.utilization() >= monitor.warnThreshold() || u.watched()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("utilization", u.utilization());
        d.put("sockets", u.sockets());
        d.put("timeWait", u.timeWait());
        d.put("closeWait", u.closeWait());
        destinations.put(u.destination(), d);
      }
    }
    details.put("destinations", destinations);
    return new Report(status, details);
  }

  /**
   * One evaluation.
   *
   * @param status {@link #UP} or {@link #OUT_OF_SERVICE}
   * @param details what the health endpoint shows
   */
  public record Report(String status, Map<String, Object> details) {}
}
