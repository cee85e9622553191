package io.mooring.http.internal;

import io.mooring.pool.Lease;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads what a response says about the connection's future and tells the lease: {@code Connection:
 * close} or HTTP/1.0 without keep-alive means the server will close ({@link
 * Lease#peerWillClose()}); {@code Keep-Alive: timeout=N, max=M} passes the server's idle timeout
 * and remaining requests. Stateless and thread safe.
 */
final class KeepAliveHints {
  private KeepAliveHints() {}

  /** Whether the server announced it closes the connection after this response. */
  static boolean serverWillClose(HttpResponse response) {
    HttpHeaders h = response.headers();
    if (h.containsValue(HttpHeaderNames.CONNECTION, "close", true)) {
      return true;
    }
    return response.protocolVersion().equals(HttpVersion.HTTP_1_0)
        && !h.containsValue(HttpHeaderNames.CONNECTION, "keep-alive", true);
  }

  /** Applies the response's keep-alive hints to {@code lease}. */
  static void apply(HttpResponse response, Lease<?> lease) {
    if (serverWillClose(response)) {
      lease.peerWillClose();
      return;
    }
    String ka = response.headers().get("keep-alive");
    if (ka == null) {
      return;
    }
    for (String part : ka.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      try {
        if (key.equals("timeout")) {
          long seconds = Long.parseLong(value);
          if (seconds > 0) {
            lease.serverIdleTimeout(Duration.ofSeconds(seconds));
          }
        } else if (key.equals("max")) {
          int max = Integer.parseInt(value);
          if (max >= 0) {
            lease.remainingRequests(max);
          }
        }
      } catch (NumberFormatException ignored) {
        // A malformed hint is only a hint: ignore it.
      }
    }
  }
}
