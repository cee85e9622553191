package io.mooring.http.internal;

/**
 * The {@code User-Agent} Mooring sends when a request sets none: {@code Mooring/<version>}, as the
 * JDK, Apache and OkHttp clients each name themselves, so that a server's access log shows which
 * client carried a request. The version is the pool-http jar's {@code Implementation-Version};
 * classes run from a directory (an IDE) have none and send {@link #UNKNOWN_VERSION}.
 */
final class UserAgent {
  /** The version sent when the jar's manifest has none. */
  static final String UNKNOWN_VERSION = "unknown";

  /** The default header value. */
  static final String DEFAULT = "Mooring/" + version();

  private UserAgent() {}

  private static String version() {
    String v = UserAgent.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? UNKNOWN_VERSION : v;
  }
}
