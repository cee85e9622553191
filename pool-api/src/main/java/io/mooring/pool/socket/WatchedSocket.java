package io.mooring.pool.socket;

import io.mooring.pool.Destination;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * The socket of one connection pooled by a {@link SocketTransport}.
 *
 * <p><b>Life.</b> A new one is not connected: the lessee that gets it first connects it on its own
 * thread, with {@link #connect()} or, for a protocol that connects in its own way, by connecting a
 * {@link SocketChannel} in blocking mode and handing it to {@link #attach}. From then on, while
 * leased, {@link #socket()} is an ordinary blocking socket for the lessee's thread; while idle, the
 * transport's {@link IdleSocketWatcher} watches it, and a FIN, a reset or an unexpected byte from
 * the peer closes it at once and takes it out of the pool.
 *
 * <p><b>Ownership.</b> The pool owns the socket: never close {@link #socket()} or its streams, nor
 * a TLS socket layered over it, to end a connection. Fail the lease instead (the pool aborts the
 * socket) or close it (the pool keeps or retires it). Closing a layered socket would send a FIN
 * from our side, which is what this library exists to avoid.
 *
 * <p>Thread safe: {@link #isOpen()}, {@link #isConnected()} and the addresses may be read from any
 * thread; I/O on {@link #socket()} belongs to the lessee.
 */
public interface WatchedSocket extends WatchedConnection {

  /** Where this socket goes. */
  Destination destination();

  /** Whether a channel is attached and the socket is still open. */
  boolean isConnected();

  /**
   * Whether the socket is still usable: {@code false} once the watcher saw the peer close it, or
   * the pool closed it. A lessee that finds a just-leased socket closed should fail its lease and
   * acquire again.
   */
  boolean isOpen();

  /**
   * Connects to {@link #destination()} on the calling thread, with the transport's {@link
   * SocketSettings}: resolves the host, tries its addresses in order until one accepts within
   * {@link SocketSettings#connectTimeout()}, and attaches the channel. No TLS: layer it over {@link
   * #socket()} afterwards.
   *
   * @throws java.net.SocketTimeoutException if the connect timed out, naming the destination
   * @throws IOException for any other failure, naming the destination; the lease should then be
   *     failed
   * @throws IllegalStateException if a channel is attached already
   */
  void connect() throws IOException;

  /**
   * As {@link #connect()}, each address tried within {@code timeout} instead of the transport's
   * connect timeout (a per-request connect timeout).
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  void connect(java.time.Duration timeout) throws IOException;

  /**
   * Attaches a connected channel in blocking mode that the protocol opened itself (for example
   * through its own connect logic). The socket owns it from now on.
   *
   * @throws IllegalArgumentException if the channel is not connected or not in blocking mode
   * @throws IllegalStateException if a channel is attached already
   * @throws IOException if the pool closed this socket meanwhile; the channel is then aborted
   */
  void attach(SocketChannel channel) throws IOException;

  /**
   * The attached channel's blocking socket, for the lessee's I/O; {@code null} before one is
   * attached. Valid only while the lease is held.
   */
  Socket socket();

  /** The local address, for port accounting; {@code null} before connecting. */
  InetSocketAddress localAddress();

  /** The resolved remote address; {@code null} before connecting. */
  InetSocketAddress remoteAddress();

  /**
   * The peer was asked to close this connection (HTTP: a request with {@code Connection: close}) or
   * announced that it will, and the lease was closed after {@link io.mooring.pool.Lease#
   * peerWillClose()}: the watcher takes the socket at once (not after {@link
   * IdleSocketWatcher#watchDelay()}), so that our half closes as soon as the peer's FIN comes. Call
   * it once the lessee is done with the socket; it does nothing on a socket that is closed or was
   * never connected.
   */
  void awaitPeerClose();

  /** This socket itself. */
  @Override
  default WatchedSocket watchedSocket() {
    return this;
  }
}
