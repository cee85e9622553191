package io.mooring.pool.ports.internal;

import java.net.InetSocketAddress;
import java.util.Objects;

/** The {@code destination} tag of a remote endpoint, and the parsing of a watched host and port. */
public final class DestinationTag {
  private DestinationTag() {}

  /** The tag of {@code a}: {@code host:port}, IPv6 literals in brackets without a scope. */
  public static String of(InetSocketAddress a) {
    String host = a.getHostString();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      int pct = host.indexOf('%');
      host = "[" + (pct >= 0 ? host.substring(0, pct) : host) + "]";
    }
    return host + ":" + a.getPort();
  }

  /**
   * {@code host:port} as an unresolved address, brackets around an IPv6 literal removed.
   *
   * @throws IllegalArgumentException naming the destination if the host is empty or the port is not
   *     1..65535
   */
  public static InetSocketAddress unresolved(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "watched destination '"
              + host
              + "':"
              + port
              + " is invalid: expected a host and a port 1..65535");
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return InetSocketAddress.createUnresolved(h, port);
  }
}
