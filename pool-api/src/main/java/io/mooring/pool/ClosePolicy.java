package io.mooring.pool;

/**
 * How the pool closes a connection it no longer wants. The side that closes a TCP connection first
 * keeps its 4-tuple in TIME_WAIT for 60 s on Linux; a client that closes first burns one ephemeral
 * port per close. Every policy leaves a connection that failed mid-exchange to be aborted.
 */
public enum ClosePolicy {
  /**
   * The default. A retiring connection is never leased again; the protocol layer asks the peer to
   * close (HTTP: {@code Connection: close} on the last request) and the pool waits up to {@link
   * PoolSettings#retirementTimeout()} for the peer's FIN, then applies {@link
   * PoolSettings#fallbackClose()}. No client TIME_WAIT unless the fallback is {@link
   * CloseMode#GRACEFUL}.
   */
  PEER_FIRST,
  /** Idle connections are closed at once with SO_LINGER=0 (RST): no TIME_WAIT on either side. */
  ABORT,
  /** An ordinary close: one client TIME_WAIT per close. Use only when the peer requires a FIN. */
  GRACEFUL
}
