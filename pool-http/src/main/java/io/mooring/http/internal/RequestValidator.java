package io.mooring.http.internal;

import java.net.URI;
import java.net.http.HttpRequest;
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
  /** Header names a caller may not set, as in the JDK client: the client sets them itself. */
  public static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private RequestValidator() {}

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
            "restricted header name: \"" + e.getKey() + "\" is set by the client itself");
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
