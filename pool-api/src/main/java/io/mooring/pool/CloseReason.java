package io.mooring.pool;

import java.util.Locale;

/** Why the pool stopped using a connection. */
public enum CloseReason {
  /** Idle past {@link PoolSettings#maxIdleTime()} or near the server's keep-alive timeout. */
  IDLE,
  /** Older than {@link PoolSettings#maxLifetime()} (with jitter). */
  LIFETIME,
  /** Served {@link PoolSettings#maxRequestsPerConnection()} or the server's announced maximum. */
  MAX_REQUESTS,
  /** The peer closed it unprompted. */
  PEER,
  /** The lease holder retired it, for example on a {@code Connection: close} response. */
  RETIRED,
  /** It failed: an I/O error, unexpected bytes while idle, or a broken exchange. */
  ERROR,
  /** Closed to make room for another destination or because its destination was removed. */
  EVICTED,
  /** The pool was closed. */
  SHUTDOWN;

  /** The value of the {@code reason} tag, such as {@code max_requests}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
