package io.mooring.http.internal;

import java.time.Duration;

/**
 * Timeouts of one request per phase, as the JDK's {@code HttpURLConnection} applies them, rather
 * than one for the whole request: {@code connect} bounds getting each connection (pooled or new);
 * {@code head} bounds the wait for the response head, counted from when the request has its
 * connection, so a slow connect never eats into it. Null means no such timeout. Immutable.
 *
 * @param connect the connect timeout, or null for the client's
 * @param head the response head timeout, or null for none
 */
record PhaseTimeouts(Duration connect, Duration head) {
  /** No per-phase timeouts: only the client's and the request's own. */
  static final PhaseTimeouts NONE = new PhaseTimeouts(null, null);
}
