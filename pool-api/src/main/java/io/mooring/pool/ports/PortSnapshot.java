package io.mooring.pool.ports;

import io.mooring.pool.ports.internal.DestinationTag;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One scan of the kernel's socket tables: counts by state of the sockets whose local port lies in
 * the ephemeral range, and the usage of the reported destinations (the top N by sockets, the
 * watched ones, and every endpoint at or above the lower of the warn threshold and the high-water
 * mark). Immutable and thread safe.
 *
 * <p>When the monitor is unavailable (no {@code /proc/net/tcp}, as off Linux), {@link #available()}
 * is false, every count is 0 and there are no destinations.
 */
public final class PortSnapshot {
  private final boolean available;
  private final EphemeralPortRange range;
  private final int[] states;
  private final List<EndpointUsage> destinations;
  private final Map<InetSocketAddress, EndpointUsage> byAddress;
  private final Map<String, EndpointUsage> byDestination;
  private final int tcpInUse;
  private final int tcpTimeWait;
  private final int lines;
  private final int malformedLines;
  private final long scanNanos;
  private final long takenAtNanos;

  PortSnapshot(
      boolean available,
      EphemeralPortRange range,
      int[] states,
      List<EndpointUsage> destinations,
      Map<InetSocketAddress, EndpointUsage> byAddress,
      Map<String, EndpointUsage> byDestination,
      int tcpInUse,
      int tcpTimeWait,
      int lines,
      int malformedLines,
      long scanNanos,
      long takenAtNanos) {
    this.available = available;
    this.range = range;
    this.states = states.clone();
    this.destinations = List.copyOf(destinations);
    this.byAddress = Map.copyOf(byAddress);
    this.byDestination = Map.copyOf(byDestination);
    this.tcpInUse = tcpInUse;
    this.tcpTimeWait = tcpTimeWait;
    this.lines = lines;
    this.malformedLines = malformedLines;
    this.scanNanos = scanNanos;
    this.takenAtNanos = takenAtNanos;
  }

  /** A snapshot with nothing in it: before the first scan, or when unavailable. */
  static PortSnapshot empty(boolean available, EphemeralPortRange range, long takenAtNanos) {
    return new PortSnapshot(
        available,
        range,
        new int[PortState.values().length],
        List.of(),
        Map.of(),
        Map.of(),
        -1,
        -1,
        0,
        0,
        0,
        takenAtNanos);
  }

  /** Whether the kernel's tables could be read for this snapshot. */
  public boolean available() {
    return available;
  }

  /** The ephemeral port range in force at the scan. */
  public EphemeralPortRange range() {
    return range;
  }

  /** Sockets in {@code state} whose local port lies in the ephemeral range. */
  public int sockets(PortState state) {
    return states[state.ordinal()];
  }

  /** Sockets of any state whose local port lies in the ephemeral range. */
  public int sockets() {
    int n = 0;
    for (int s : states) {
      n += s;
    }
    return n;
  }

  /** The reported destinations, most sockets first. */
  public List<EndpointUsage> destinations() {
    return destinations;
  }

  /**
   * The usage of {@code remote}: for a resolved address, of that (ip, port); for an unresolved one,
   * of the watched destination {@code host:port}. Empty if it is not reported, which means it is
   * below the reporting threshold or has no socket.
   */
  public Optional<EndpointUsage> usage(InetSocketAddress remote) {
    return Optional.ofNullable(find(remote));
  }

  /** The usage reported under the {@code destination} tag value {@code host:port}, if any. */
  public Optional<EndpointUsage> usage(String destination) {
    return Optional.ofNullable(byDestination.get(destination));
  }

  /** {@link EndpointUsage#utilization()} of {@code remote}, 0 if not reported. */
  public double utilization(InetSocketAddress remote) {
    EndpointUsage u = find(remote);
    return u == null ? 0 : u.utilization();
  }

  EndpointUsage find(InetSocketAddress remote) {
    if (remote.isUnresolved()) {
      return byDestination.get(DestinationTag.of(remote));
    }
    EndpointUsage u = byAddress.get(remote);
    return u != null ? u : byDestination.get(DestinationTag.of(remote));
  }

  /** {@code inuse} of the {@code TCP:} line of {@code /proc/net/sockstat}, -1 if unknown. */
  public int tcpInUse() {
    return tcpInUse;
  }

  /** {@code tw} of the {@code TCP:} line of {@code /proc/net/sockstat}, -1 if unknown. */
  public int tcpTimeWait() {
    return tcpTimeWait;
  }

  /** Socket lines read from the tables, malformed ones included. */
  public int lines() {
    return lines;
  }

  /** Lines skipped because they did not parse. */
  public int malformedLines() {
    return malformedLines;
  }

  /** How long the scan took. */
  public Duration scanDuration() {
    return Duration.ofNanos(scanNanos);
  }

  /** The monitor's ticker reading when the scan finished. */
  public long takenAtNanos() {
    return takenAtNanos;
  }

  @Override
  public String toString() {
    if (!available) {
      return "PortSnapshot[unavailable]";
    }
    StringBuilder sb = new StringBuilder("PortSnapshot[range ").append(range);
    for (PortState s : PortState.values()) {
      sb.append(", ").append(s.tag()).append('=').append(sockets(s));
    }
    sb.append(", destinations ").append(destinations).append(']');
    return sb.toString();
  }
}
