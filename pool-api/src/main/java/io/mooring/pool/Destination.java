package io.mooring.pool;

import java.util.Locale;
import java.util.Objects;

/**
 * Where connections go: a scheme, a host and a port. One pool partition exists per destination, and
 * every limit, meter and keep-alive estimate is kept per destination.
 *
 * <p>Immutable and thread safe. Scheme and host are compared case-insensitively (they are stored in
 * lower case), so {@code http://Example.com:80} and {@code http://example.com:80} share
 * connections.
 *
 * @param scheme the protocol name, such as {@code http} or {@code https}; lower case
 * @param host a DNS name or an IP literal (IPv6 without brackets); lower case
 * @param port the TCP port, 1 to 65535
 */
public record Destination(String scheme, String host, int port) {

  /**
   * Validates and normalises the parts; throws {@link IllegalArgumentException} naming the bad one.
   */
  public Destination {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    if (scheme.isEmpty() || !scheme.chars().allMatch(Destination::isSchemeChar)) {
      throw new IllegalArgumentException(
          "destination scheme '"
              + scheme
              + "' is invalid: expected letters, digits, '+', '-', '.'");
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "destination host '" + host + "' is invalid: expected a DNS name or an IP literal");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "destination port " + port + " for host " + host + " is out of range 1..65535");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    host = host.toLowerCase(Locale.ROOT);
  }

  /** Shorthand for {@code new Destination(scheme, host, port)}. */
  public static Destination of(String scheme, String host, int port) {
    return new Destination(scheme, host, port);
  }

  /** Whether connections to this destination use TLS ({@code https}, {@code wss}, {@code tls}). */
  public boolean isSecure() {
    return scheme.equals("https") || scheme.equals("wss") || scheme.equals("tls");
  }

  /**
   * {@code host:port}, with IPv6 literals in brackets: the value of the {@code destination} tag.
   */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code scheme://host:port}. */
  @Override
  public String toString() {
    return scheme + "://" + authority();
  }

  private static boolean isSchemeChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '-'
        || c == '.';
  }
}
