package io.mooring.http.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request before anything is sent, so bad input fails with an {@link
 * IllegalArgumentException} that names what is wrong and never reaches a pooled connection.
 * Stateless and thread safe.
 */
public final class RequestValidator {
  /** What {@code jdk.httpclient.allowRestrictedHeaders} may lift; declared first for init order. */
  private static final Set<String> LIFTABLE = Set.of("host", "expect");

  /**
   * Header names a caller may not set because the client writes them itself: the JDK client's
   * restricted set ({@code connection, content-length, expect, host, upgrade}) plus {@code
   * transfer-encoding}, which the JDK lets through but which, next to the client's own framing,
   * would let a caller smuggle a second request. The JDK's {@code
   * jdk.httpclient.allowRestrictedHeaders} system property (read once, as the JDK does) can lift
   * only {@code host} and {@code expect}: the message framing and the connection's management stay
   * the client's.
   */
  public static final Set<String> RESTRICTED =
      restricted(System.getProperty("jdk.httpclient.allowRestrictedHeaders"));

  /** Whether a caller's {@code Host} header replaces the one the client computes. */
  static final boolean CALLER_HOST = !RESTRICTED.contains("host");

  private RequestValidator() {}

  /** The restricted set left after lifting the names in {@code allowed} (comma separated). */
  static Set<String> restricted(String allowed) {
    Set<String> names =
        new HashSet<>(
            Set.of(
                "connection", "content-length", "expect", "host", "transfer-encoding", "upgrade"));
    if (allowed != null) {
      for (String n : allowed.split(",")) {
        String name = n.trim().toLowerCase(Locale.ROOT);
        if (LIFTABLE.contains(name)) {
          names.remove(name);
        }
      }
    }
    return Set.copyOf(names);
  }

  /**
   * Validates method, URI and headers of {@code request}.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static void validate(HttpRequest request) {
    validateMethod(request.method());
    validateUri(request.uri());
    for (Map.Entry<String, List<String>> e : request.headers().map().entrySet()) {
      validateHeaderName(e.getKey());
      if (RESTRICTED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "restricted header name: \""
                + e.getKey()
                + "\" is set by the client itself (it frames the message and manages the"
                + " connection); request to "
                + request.uri()
                + " not sent");
      }
      for (String v : e.getValue()) {
        validateHeaderValue(e.getKey(), v);
      }
    }
  }

  /** Checks that {@code method} is an HTTP token. */
  public static void validateMethod(String method) {
    if (method == null || method.isEmpty() || !method.chars().allMatch(RequestValidator::isTchar)) {
      throw new IllegalArgumentException("invalid HTTP method \"" + method + "\"");
    }
  }

  /** Checks that {@code uri} is an absolute http or https URI with a host. */
  public static void validateUri(URI uri) {
    if (uri == null) {
      throw new IllegalArgumentException("request URI is missing");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          "unsupported URI scheme \"" + scheme + "\" in " + uri + ": expected http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("URI " + uri + " has no host (or the host is malformed)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("URI " + uri + " carries user info; use an Authenticator");
    }
  }

  /** Checks that {@code name} is a non-empty HTTP token. */
  public static void validateHeaderName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isTchar(c)) {
        throw new IllegalArgumentException(
            "invalid character "
                + describe(c)
                + " at index "
                + i
                + " in header name \""
                + printable(name)
                + "\"");
      }
    }
  }

  /** Checks that {@code value} has no CR, LF or other control character. */
  public static void validateHeaderValue(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("null value for header \"" + name + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException(
            "invalid character "
                + describe(c)
                + " at index "
                + i
                + " in value of header \""
                + name
                + "\": \""
                + printable(value)
                + "\"");
      }
    }
  }

  private static String describe(char c) {
    return switch (c) {
      case '\r' -> "CR (\\r)";
      case '\n' -> "LF (\\n)";
      default -> String.format(Locale.ROOT, "U+%04X", (int) c);
    };
  }

  private static String printable(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static boolean isTchar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
