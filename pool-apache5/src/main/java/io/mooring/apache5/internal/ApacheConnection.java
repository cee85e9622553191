package io.mooring.apache5.internal;

import io.mooring.pool.socket.WatchedConnection;
import io.mooring.pool.socket.WatchedSocket;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;

/**
 * What the pool holds for Apache: Apache's own connection object, bound to the socket of a {@link
 * io.mooring.pool.socket.SocketTransport} once the first lessee connects it. Apache's request
 * execution runs on it unchanged.
 *
 * @param socket the pooled socket, watched by the idle watcher while the connection is idle
 * @param http Apache's connection; its socket is the pooled socket's, or a TLS socket layered on it
 */
public record ApacheConnection(WatchedSocket socket, ManagedHttpClientConnection http)
    implements WatchedConnection {

  @Override
  public WatchedSocket watchedSocket() {
    return socket;
  }

  /** Whether the socket is connected and open, and Apache's connection is bound to it. */
  public boolean isConnected() {
    return socket.isConnected() && http.isOpen();
  }
}
