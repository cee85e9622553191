package io.mooring.http.internal;

import io.mooring.pool.socket.WatchedConnection;
import io.mooring.pool.socket.WatchedSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One pooled connection of the caller-thread path: a {@link WatchedSocket}, the TLS socket layered
 * over it for {@code https}, and the buffered streams the exchanges read and write through, made
 * once per connection.
 *
 * <p>Confined to the lessee's thread while leased (the pool hands it to one lessee at a time); the
 * watcher only touches the {@link WatchedSocket} underneath, and only while it is idle. Never close
 * {@link #socket()} or its streams: the pool ends connections (see {@link WatchedSocket}).
 */
final class HttpSocket implements WatchedConnection {
  private final WatchedSocket socket;
  private final int maxHeadSize;
  private Socket io;
  private WireInput in;
  private OutputStream out;
  private ResponseHeadReader heads;
  private SSLSession session;
  private byte[] scratch;
  private int uses;

  HttpSocket(WatchedSocket socket, int maxHeadSize) {
    this.socket = socket;
    this.maxHeadSize = maxHeadSize;
  }

  @Override
  public WatchedSocket watchedSocket() {
    return socket;
  }

  /**
   * Connects a new socket on the calling thread, within {@code connectTimeout} (the transport's
   * when null), and layers TLS over it when {@code tls} is not null. A socket that is connected
   * already is left as it is.
   */
  void open(Duration connectTimeout, TlsLayer tls) throws IOException {
    if (io != null) {
      return;
    }
    if (connectTimeout == null) {
      socket.connect();
    } else {
      socket.connect(connectTimeout);
    }
    Socket plain = socket.socket();
    // An interrupted blocking channel operation closes the channel: with SO_LINGER=0 that close is
    // a reset, never a FIN that would leave this side in TIME_WAIT. A graceful close by the pool
    // sets the default back first.
    plain.setSoLinger(true, 0);
    Socket s = plain;
    if (tls != null) {
      SSLSocket secure = tls.layer(plain, socket.destination());
      session = secure.getSession();
      s = secure;
    }
    io = s;
    in = new WireInput(s.getInputStream());
    out = s.getOutputStream();
    heads = new ResponseHeadReader(maxHeadSize);
  }

  /** Counts a request sent on this connection. */
  void used() {
    uses++;
  }

  /** The socket the exchange does I/O on: the TLS socket for {@code https}. */
  Socket socket() {
    return io;
  }

  WireInput in() {
    return in;
  }

  OutputStream out() {
    return out;
  }

  ResponseHeadReader heads() {
    return heads;
  }

  /**
   * A read buffer for body bytes on their way to a subscriber, made once per connection: the
   * exchange copies out what it read, so the buffer is free again before the next read.
   */
  byte[] scratch() {
    byte[] b = scratch;
    if (b == null) {
      b = new byte[16 * 1024];
      scratch = b;
    }
    return b;
  }

  /** The TLS session, or null for plain HTTP. */
  SSLSession session() {
    return session;
  }

  @Override
  public String toString() {
    return "HttpSocket{" + socket + ", uses=" + uses + "}";
  }
}
