package io.mooring.pool.socket;

/**
 * A protocol's connection object that rides on one {@link WatchedSocket}: what a {@link
 * SocketTransport} pools. The transport finds the socket of each connection through it.
 */
public interface WatchedConnection {

  /** The socket under this connection; the same object for the connection's whole life. */
  WatchedSocket watchedSocket();
}
