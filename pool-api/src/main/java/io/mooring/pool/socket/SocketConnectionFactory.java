package io.mooring.pool.socket;

/**
 * Makes the protocol's connection object for a new pooled socket, which is not connected yet: the
 * first lessee connects it on its own thread ({@link WatchedSocket#connect()} or {@link
 * WatchedSocket#attach}).
 *
 * @param <C> the protocol's connection type
 */
@FunctionalInterface
public interface SocketConnectionFactory<C extends WatchedConnection> {

  /**
   * Wraps {@code socket} in the protocol's connection. Called by the pool engine on whatever thread
   * acquires; must be cheap and must not block or do I/O.
   */
  C create(WatchedSocket socket);
}
