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
    applyKeepAlive(response.headers().get("keep-alive"), lease);
  }

  /** As {@link #serverWillClose(HttpResponse)}, for a head read by the caller-thread path. */
  static boolean serverWillClose(boolean http10, java.net.http.HttpHeaders headers) {
    boolean keepAlive = false;
    for (String v : headers.allValues("connection")) {
      if (hasToken(v, "close")) {
        return true;
      }
      keepAlive |= hasToken(v, "keep-alive");
    }
    return http10 && !keepAlive;
  }

  /** Whether the comma-separated {@code list} holds {@code token}, ignoring case and blanks. */
  private static boolean hasToken(String list, String token) {
    int n = list.length();
    int start = 0;
    while (start <= n) {
      int end = list.indexOf(',', start);
      if (end < 0) {
        end = n;
      }
      int a = start;
      int b = end;
      while (a < b && list.charAt(a) <= ' ') {
        a++;
      }
      while (b > a && list.charAt(b - 1) <= ' ') {
        b--;
      }
      if (b - a == token.length() && list.regionMatches(true, a, token, 0, b - a)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** As {@link #apply(HttpResponse, Lease)}, for a head read by the caller-thread path. */
  static void apply(boolean http10, java.net.http.HttpHeaders headers, Lease<?> lease) {
    if (serverWillClose(http10, headers)) {
      lease.peerWillClose();
      return;
    }
    applyKeepAlive(headers.firstValue("keep-alive").orElse(null), lease);
  }

  /** Passes {@code Keep-Alive: timeout=N, max=M} (null: absent) to {@code lease}. */
  private static void applyKeepAlive(String ka, Lease<?> lease) {
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
