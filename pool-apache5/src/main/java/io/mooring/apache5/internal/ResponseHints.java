package io.mooring.apache5.internal;

import io.mooring.pool.Lease;
import java.time.Duration;
import java.util.Iterator;
import org.apache.hc.core5.http.HeaderElement;
import org.apache.hc.core5.http.HeaderElements;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.message.MessageSupport;

/** What an exchange's headers say about the connection's future, read with Apache's parsers. */
final class ResponseHints {
  private ResponseHints() {}

  /** Whether {@code message} carries {@code Connection: close}. */
  static boolean saysClose(HttpMessage message) {
    Iterator<String> tokens = MessageSupport.iterateTokens(message, HttpHeaders.CONNECTION);
    while (tokens.hasNext()) {
      if (HeaderElements.CLOSE.equalsIgnoreCase(tokens.next())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the server closes the connection after {@code response}: it says {@code Connection:
   * close}, or it speaks HTTP/1.0 without {@code Connection: keep-alive}.
   */
  static boolean serverCloses(HttpResponse response) {
    if (saysClose(response)) {
      return true;
    }
    ProtocolVersion v = response.getVersion();
    if (v == null || !v.lessEquals(HttpVersion.HTTP_1_0)) {
      return false;
    }
    Iterator<String> tokens = MessageSupport.iterateTokens(response, HttpHeaders.CONNECTION);
    while (tokens.hasNext()) {
      if (HeaderElements.KEEP_ALIVE.equalsIgnoreCase(tokens.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Passes {@code Keep-Alive: timeout=N, max=M} to the lease: the pool then stops leasing the
   * destination's connections before the server's idle timeout, and retires this one after M more.
   */
  static void announce(HttpResponse response, Lease<?> lease) {
    Iterator<HeaderElement> it = MessageSupport.iterate(response, HttpHeaders.KEEP_ALIVE);
    while (it.hasNext()) {
      HeaderElement e = it.next();
      long n = number(e.getValue());
      if (n < 0) {
        continue;
      }
      if ("timeout".equalsIgnoreCase(e.getName()) && n > 0) {
        lease.serverIdleTimeout(Duration.ofSeconds(Math.min(n, 86_400)));
      } else if ("max".equalsIgnoreCase(e.getName())) {
        lease.remainingRequests((int) Math.min(n, Integer.MAX_VALUE));
      }
    }
  }

  private static long number(String value) {
    if (value == null || value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
