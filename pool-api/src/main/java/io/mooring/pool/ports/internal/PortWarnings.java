package io.mooring.pool.ports.internal;

import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.EphemeralPortRange;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The port monitor's warnings: one WARNING per destination whose utilisation reaches the warn
 * threshold, at most once per warn interval, saying what to do about it; and the same rate limit
 * for failed scans. Not thread safe: the monitor calls it under its scan lock.
 */
public final class PortWarnings {
  /** What to do about port exhaustion; shared with the exhaustion exception's message. */
  public static final String FIXES =
      "To fix: reuse connections instead of opening one per request (keep-alive; Mooring's pool"
          + " does this), let the server close first so the TIME_WAIT lands on its side (don't"
          + " send 'Connection: close' or call disconnect()/close() on every request), abort idle"
          + " connections with RST (SO_LINGER=0) rather than close(), or widen"
          + " net.ipv4.ip_local_port_range.";

  private static final String SCAN_FAILURE_KEY = "\0scan";

  private final System.Logger logger;
  private final double warnThreshold;
  private final Duration warnInterval;
  private final Map<String, Long> lastWarned = new HashMap<>();

  /** Warnings to {@code logger} at {@code warnThreshold}, at most once per {@code warnInterval}. */
  public PortWarnings(System.Logger logger, double warnThreshold, Duration warnInterval) {
    this.logger = logger;
    this.warnThreshold = warnThreshold;
    this.warnInterval = warnInterval;
  }

  /** Warns about each of {@code destinations} at or over the threshold not warned about lately. */
  public void warn(List<EndpointUsage> destinations, EphemeralPortRange range, long nowNanos) {
    long interval = warnInterval.toNanos();
    lastWarned.values().removeIf(t -> nowNanos - t >= interval);
    for (EndpointUsage u : destinations) {
      if (u.utilization() >= warnThreshold && !lastWarned.containsKey(u.destination())) {
        lastWarned.put(u.destination(), nowNanos);
        logger.log(Level.WARNING, warning(u, range));
      }
    }
  }

  /** Warns that the tables under {@code root} could not be read, unless it did so lately. */
  public void scanFailed(Path root, Exception e, long nowNanos) {
    Long t = lastWarned.get(SCAN_FAILURE_KEY);
    if (t == null || nowNanos - t >= warnInterval.toNanos()) {
      lastWarned.put(SCAN_FAILURE_KEY, nowNanos);
      logger.log(
          Level.WARNING, "Port monitor could not read the socket tables under " + root + ": " + e);
    }
  }

  private String warning(EndpointUsage u, EphemeralPortRange range) {
    StringBuilder sb = new StringBuilder(400);
    sb.append("Local ephemeral ports toward ")
        .append(u.destination())
        .append(" are ")
        .append(percent(u.utilization()))
        .append(" used: ")
        .append(u.sockets())
        .append(" sockets in use, ")
        .append(u.timeWait())
        .append(" in TIME_WAIT, ")
        .append(u.closeWait())
        .append(" in CLOSE_WAIT, of the ephemeral port range ")
        .append(range)
        .append(". At 100% a connect to it fails with EADDRNOTAVAIL ('Cannot assign requested")
        .append(" address'). ");
    sb.append(FIXES);
    if (u.closeWait() > 0) {
      sb.append(" CLOSE_WAIT sockets are connections the peer closed that the client never")
          .append(" closed: a leak to fix in the client.");
    }
    sb.append(" (Warned at most once per ").append(warnInterval).append(" per destination.)");
    return sb.toString();
  }

  /** {@code ratio} as a whole percentage, such as {@code 85%}. */
  public static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }
}
