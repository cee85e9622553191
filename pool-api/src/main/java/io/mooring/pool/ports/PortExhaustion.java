package io.mooring.pool.ports;

import io.mooring.pool.ports.internal.DestinationTag;
import io.mooring.pool.ports.internal.PortWarnings;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Recognises EADDRNOTAVAIL ("Cannot assign requested address") in a connect failure and turns it
 * into a {@link PortExhaustedException} that explains it. Stateless and thread safe.
 *
 * <p>A transport calls it where a connect fails:
 *
 * <pre>{@code
 * } catch (IOException e) {
 *   if (PortExhaustion.isAddressNotAvailable(e)) {
 *     throw PortExhaustion.exception(remote, monitor, e);
 *   }
 *   throw e;
 * }
 * }</pre>
 *
 * <p>On a connect without an explicit local bind, EADDRNOTAVAIL means the kernel found no free
 * local port toward that remote (ip, port). The same errno on an explicit bind to an address the
 * machine does not have is a configuration error, not exhaustion; callers that bind should tell the
 * two apart themselves.
 */
public final class PortExhaustion {
  private static final String[] MESSAGES = {
    "cannot assign requested address", // Linux strerror(EADDRNOTAVAIL): NIO, Netty epoll, io_uring
    "can't assign requested address", // macOS and BSD strerror(EADDRNOTAVAIL)
    "eaddrnotavail",
    "address not available", // musl strerror, POSIX description
    "requested address is not valid in its context", // Windows WSAEADDRNOTAVAIL (10049)
  };

  /** errno 99 (Linux) or -99 (Netty's negated errno) named in a message. */
  private static final Pattern ERRNO_99 =
      Pattern.compile("\\berr(?:no|or(?: code)?)?\\s*[=:]?\\s*-?99\\b", Pattern.CASE_INSENSITIVE);

  private PortExhaustion() {}

  /**
   * Whether {@code t} or any of its causes is EADDRNOTAVAIL, judged by its message (or by being a
   * {@link PortExhaustedException}), not by its class: the JDK throws {@code BindException} or
   * {@code ConnectException}, Netty its own {@code NativeIoException}. Null-safe; cause cycles are
   * handled.
   */
  public static boolean isAddressNotAvailable(Throwable t) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
      if (c instanceof PortExhaustedException) {
        return true;
      }
      String m = c.getMessage();
      if (m == null) {
        continue;
      }
      String lower = m.toLowerCase(Locale.ROOT);
      for (String s : MESSAGES) {
        if (lower.contains(s)) {
          return true;
        }
      }
      if (ERRNO_99.matcher(m).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The exception for a connect to {@code remote} that failed with EADDRNOTAVAIL, counted from a
   * snapshot of {@code monitor} that reports {@code remote}: its last one if under 1 s old. A
   * {@link PortMonitor#start() started} monitor never scans on the calling thread (which may be an
   * event loop): it answers from its last snapshot and scans at once on its own scheduler; an
   * unstarted one scans on the calling thread. {@code monitor} may be null or unavailable: the
   * message then says the counts are unknown.
   */
  public static PortExhaustedException exception(
      InetSocketAddress remote, PortMonitor monitor, Throwable cause) {
    Objects.requireNonNull(remote, "remote");
    PortSnapshot s = monitor != null && monitor.isAvailable() ? monitor.snapshotFor(remote) : null;
    return exception(remote, s, cause);
  }

  /**
   * The exception for a connect to {@code remote} that failed with EADDRNOTAVAIL, counted from
   * {@code snapshot} (null or unavailable: counts unknown, range from the running system).
   */
  public static PortExhaustedException exception(
      InetSocketAddress remote, PortSnapshot snapshot, Throwable cause) {
    Objects.requireNonNull(remote, "remote");
    String destination = DestinationTag.of(remote);
    boolean known = snapshot != null && snapshot.available();
    EphemeralPortRange range =
        known ? snapshot.range() : EphemeralPortRange.read(java.nio.file.Path.of("/"));
    EndpointUsage u = known ? snapshot.find(remote) : null;
    int sockets = known ? (u == null ? 0 : u.sockets()) : -1;
    int timeWait = known ? (u == null ? 0 : u.timeWait()) : -1;

    StringBuilder sb = new StringBuilder(600);
    sb.append("No free local port to connect to ")
        .append(destination)
        .append(" (EADDRNOTAVAIL, 'Cannot assign requested address'): the ephemeral port range ")
        .append(range)
        .append(" is used up toward it. ");
    if (known) {
      sb.append("Sockets toward ")
          .append(destination)
          .append(" from ephemeral ports: ")
          .append(sockets)
          .append(" in use, ")
          .append(timeWait)
          .append(" in TIME_WAIT");
      if (u != null && u.closeWait() > 0) {
        sb.append(", ").append(u.closeWait()).append(" in CLOSE_WAIT (a leak: close them)");
      }
      sb.append(" (")
          .append(PortWarnings.percent(sockets / (double) range.size()))
          .append(" of")
          .append(" the range). ");
      if (sockets < range.size() * 0.9) {
        sb.append("That is fewer than the range holds: ports may have been freed since, or the")
            .append(" socket was bound to a local address this host does not have. ");
      }
      if (timeWait > 0) {
        sb.append("TIME_WAIT sockets are connections this host closed first; each holds its port")
            .append(" for 60 s. ");
      }
    } else {
      sb.append("Sockets in use and in TIME_WAIT toward it are unknown (no /proc/net/tcp here).")
          .append(" ");
    }
    sb.append(PortWarnings.FIXES);
    return new PortExhaustedException(sb.toString(), destination, range, sockets, timeWait, cause);
  }
}
