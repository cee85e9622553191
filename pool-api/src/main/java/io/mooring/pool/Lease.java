package io.mooring.pool;

import java.time.Duration;

/**
 * Exclusive use of one pooled connection, from {@link ConnectionPool#acquire}. Closing the lease
 * gives the connection back; until then no one else can lease it.
 *
 * <p>A lease is meant for one thread at a time. {@link #close()} and {@link #fail(Throwable)} are
 * idempotent, and only the first of them counts; calls after that are ignored, so a stale lease can
 * never return a connection that someone else holds now.
 *
 * <p>The protocol layer talks to the pool through the lease: {@link #isLastUse()} tells it to ask
 * the peer to close (HTTP: {@code Connection: close}), and it passes back what the server said
 * about keep-alive.
 *
 * @param <C> the connection type
 */
public interface Lease<C> extends AutoCloseable {

  /** The leased connection. Do not close it: close or fail the lease instead. */
  C connection();

  /** Where the connection goes. */
  Destination destination();

  /**
   * Whether this is the connection's last use (max requests, lifetime or a server maximum reached).
   * The protocol should ask the peer to close after this exchange and then call {@link
   * #peerWillClose()}; the pool then waits for the peer's FIN instead of closing first.
   */
  boolean isLastUse();

  /** Do not reuse the connection after this lease; it is retired when the lease closes. */
  void retire();

  /**
   * The peer was asked to close (or announced that it will), so the connection is retired when the
   * lease closes and the pool waits up to {@link PoolSettings#retirementTimeout()} for the peer's
   * FIN before its fallback close.
   */
  void peerWillClose();

  /**
   * The server announced its idle timeout (HTTP: {@code Keep-Alive: timeout=N}). The pool stops
   * leasing this destination's connections {@link PoolSettings#keepAliveSafetyMargin()} before that
   * idle age.
   */
  void serverIdleTimeout(Duration timeout);

  /**
   * The server announced how many more requests it will serve on this connection (HTTP: {@code
   * Keep-Alive: max=N}); 0 retires the connection when the lease closes.
   */
  void remainingRequests(int remaining);

  /**
   * The exchange failed: the connection is aborted and never returned to the pool. Ends the lease.
   */
  void fail(Throwable cause);

  /**
   * Ends the lease: the connection goes back to the pool, or into retirement if it was marked so.
   * The caller must have consumed the exchange completely; otherwise call {@link #fail} instead.
   */
  @Override
  void close();
}
