package io.mooring.apache5.internal;

import java.io.IOException;
import java.net.Proxy;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * Gives Apache's connection operator sockets that are {@link SocketChannel}s underneath, so that
 * the idle watcher can register them with its selector, and remembers the last one: the operator
 * returns after the first address that connects. One per connect; not thread safe.
 */
final class ChannelSockets implements DetachedSocketFactory {
  private SocketChannel last;

  @Override
  public Socket create(Proxy socksProxy) throws IOException {
    if (socksProxy != null) {
      throw new IOException("SOCKS proxies are not supported by MooringConnectionManager");
    }
    last = SocketChannel.open();
    return last.socket();
  }

  /** The channel of the socket made last. */
  SocketChannel last() {
    return last;
  }
}
