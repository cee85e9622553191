package io.mooring.pool;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The service provider interface the pool engine drives: it opens, watches and closes connections
 * of type {@code C}. The engine never touches sockets itself, so it holds no lock across anything a
 * transport does.
 *
 * <p>Implementations must be thread safe. The engine calls {@link #close} at most once per
 * connection and never after the transport reported the connection closed through its {@link
 * ConnectionListener}.
 *
 * @param <C> the connection type, for example a Netty {@code Channel}
 */
public interface Transport<C> {

  /**
   * Opens a connection to {@code destination}. The returned future completes with the connection
   * once it is ready for use (TLS handshake done), or exceptionally with the cause of failure.
   *
   * <p>From then on the transport must watch the idle connection and call {@code listener} once
   * when it ends by itself: the peer's FIN or RST, or an error the transport detected (in which
   * case it has already aborted the connection).
   */
  CompletableFuture<C> connect(Destination destination, ConnectionListener listener);

  /** The local address of an open connection, for port accounting; {@code null} if unknown. */
  InetSocketAddress localAddress(C connection);

  /**
   * The resolved remote address of an open connection, which the port monitor counts sockets by;
   * {@code null} (the default) if unknown, which turns off port back-pressure for its destination.
   */
  default InetSocketAddress remoteAddress(C connection) {
    return null;
  }

  /**
   * The engine leased the connection: bytes from the peer are expected now. Called before the lease
   * is handed out; must be cheap and must not block. The default does nothing.
   */
  default void onLeased(C connection) {}

  /**
   * The engine took the connection back idle: the exchange is over, so a byte from the peer now
   * means the peer is broken. Called before any other thread can lease it again; must be cheap and
   * must not block. The default does nothing.
   */
  default void onIdle(C connection) {}

  /** Closes the connection the given way. Must not block. */
  void close(C connection, CloseMode mode);

  /**
   * Asks the peer to close this idle connection first, if the protocol has a way. Returns {@code
   * false} when it has none (the default), in which case the engine waits only for a server idle
   * timeout it knows of before its fallback close.
   */
  default boolean requestPeerClose(C connection) {
    return false;
  }
}
