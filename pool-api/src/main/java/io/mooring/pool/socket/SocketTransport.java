package io.mooring.pool.socket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mooring.pool.CloseMode;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.Destination;
import io.mooring.pool.Transport;
import io.mooring.pool.socket.internal.PooledSocket;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JDK-only {@link Transport} for blocking clients: connections do blocking I/O on the leasing
 * thread and, while idle, are watched by one {@link IdleSocketWatcher} thread. No Netty.
 *
 * <p><b>Connecting on the lessee's thread.</b> {@link #connect} completes at once with a connection
 * whose {@link WatchedSocket} is not connected yet; the lessee connects it ({@link
 * WatchedSocket#connect()} or {@link WatchedSocket#attach}) on its own thread, so a blocking client
 * pays no thread hand-off for a new connection, keeps its own connect logic (DNS, timeouts, TLS)
 * and sees its own exceptions. A lessee whose connect fails fails its lease. The engine therefore
 * counts a connection as opened when it is first leased, and a failed connect as an aborted
 * connection.
 *
 * <p><b>Closing.</b> {@link CloseMode#ABORT} sets SO_LINGER=0 and closes (RST, no TIME_WAIT),
 * {@link CloseMode#GRACEFUL} closes with a FIN, without a TLS close_notify (the transport sees only
 * the TCP socket). A peer's FIN on an idle socket is answered by closing our half at once (the peer
 * closed first, so the TIME_WAIT is the peer's) and reported to the pool.
 *
 * <p>Thread safe. The transport outlives the pools that use it: close the pools first. {@link
 * #close()} aborts every socket still open and stops the watcher if the transport started it.
 *
 * @param <C> the protocol's connection type
 */
public final class SocketTransport<C extends WatchedConnection>
    implements Transport<C>, AutoCloseable {
  private final SocketConnectionFactory<C> factory;
  private final SocketSettings settings;
  private final IdleSocketWatcher watcher;
  private final boolean ownsWatcher;
  private final Set<PooledSocket> open = ConcurrentHashMap.newKeySet();

  /** The last remote address seen per destination, for port accounting before a socket connects. */
  private final Cache<Destination, InetSocketAddress> remotes =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  private volatile boolean closed;

  private SocketTransport(Builder<C> b) {
    this.factory = b.factory;
    this.settings = b.settings;
    this.ownsWatcher = b.watcher == null;
    this.watcher = ownsWatcher ? IdleSocketWatcher.start() : b.watcher;
  }

  /** A builder for connections made by {@code factory}; {@code s -> s} pools bare sockets. */
  public static <C extends WatchedConnection> Builder<C> builder(
      SocketConnectionFactory<C> factory) {
    return new Builder<>(factory);
  }

  /** The socket settings this transport connects with. */
  public SocketSettings settings() {
    return settings;
  }

  /** The watcher of this transport's idle sockets. */
  public IdleSocketWatcher watcher() {
    return watcher;
  }

  /** Sockets this transport made that are not closed yet, connected or not, whoever holds them. */
  public int openSockets() {
    return open.size();
  }

  /**
   * Makes a new, unconnected connection at once (see the class comment); fails only when the
   * transport is closed or the factory throws. From the lessee's connect on, the end of the socket
   * is reported to {@code listener} once, unless the pool closed it.
   */
  @Override
  public CompletableFuture<C> connect(Destination destination, ConnectionListener listener) {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("transport is closed; cannot connect to " + destination));
    }
    PooledSocket socket =
        new PooledSocket(
            watcher.loop(), destination, listener, settings, this::connected, open::remove);
    open.add(socket);
    try {
      return CompletableFuture.completedFuture(factory.create(socket));
    } catch (RuntimeException e) {
      socket.close(CloseMode.ABORT);
      return CompletableFuture.failedFuture(e);
    }
  }

  private void connected(PooledSocket socket) {
    InetSocketAddress remote = socket.remoteAddress();
    if (remote != null) {
      remotes.put(socket.destination(), remote);
    }
    if (closed) {
      socket.close(CloseMode.ABORT); // the lessee's I/O fails, and it fails its lease
    }
  }

  /** The socket's local address; {@code null} before it connects. */
  @Override
  public InetSocketAddress localAddress(C connection) {
    return connection.watchedSocket().localAddress();
  }

  /**
   * The socket's remote address, or before it connects the last one seen for its destination, so
   * that the pool's port monitor can watch the destination from its second connection on.
   */
  @Override
  public InetSocketAddress remoteAddress(C connection) {
    WatchedSocket s = connection.watchedSocket();
    InetSocketAddress remote = s.remoteAddress();
    return remote != null ? remote : remotes.getIfPresent(s.destination());
  }

  /** Takes the socket back from the watcher; two compare-and-sets when it was released recently. */
  @Override
  public void onLeased(C connection) {
    socket(connection).leased();
  }

  /** Hands the socket to the watcher, which registers it after its delay. */
  @Override
  public void onIdle(C connection) {
    socket(connection).released();
  }

  /** Closes the socket: ABORT with RST, GRACEFUL with a FIN. Never blocks for long. */
  @Override
  public void close(C connection, CloseMode mode) {
    socket(connection).close(mode);
  }

  private PooledSocket socket(C connection) {
    if (connection.watchedSocket() instanceof PooledSocket s) {
      return s;
    }
    throw new IllegalArgumentException(
        connection + " does not ride on a socket of a SocketTransport");
  }

  /**
   * Closes the transport: new connects fail, sockets still open are aborted (RST, so that not even
   * a forgotten connection leaves a TIME_WAIT), and a watcher the transport started is stopped.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (PooledSocket s : open) {
      s.close(CloseMode.ABORT);
    }
    if (ownsWatcher) {
      watcher.close();
    }
  }

  @Override
  public String toString() {
    return "SocketTransport{" + settings + ", " + watcher + '}';
  }

  /**
   * Configures and builds a {@link SocketTransport}. Not thread safe; every setting is optional.
   *
   * @param <C> the protocol's connection type
   */
  public static final class Builder<C extends WatchedConnection> {
    private final SocketConnectionFactory<C> factory;
    private SocketSettings settings = SocketSettings.defaults();
    private IdleSocketWatcher watcher;

    private Builder(SocketConnectionFactory<C> factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Options for {@link WatchedSocket#connect()}; default {@link SocketSettings#defaults()}. */
    public Builder<C> settings(SocketSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Watches idle sockets on {@code watcher}, which the caller owns and closes after this
     * transport. Default: the transport starts its own with {@link
     * IdleSocketWatcher#DEFAULT_WATCH_DELAY} and stops it in {@link #close()}.
     */
    public Builder<C> watcher(IdleSocketWatcher watcher) {
      this.watcher = Objects.requireNonNull(watcher, "watcher");
      return this;
    }

    /** Builds the transport (starting its watcher unless one was given). */
    public SocketTransport<C> build() {
      return new SocketTransport<>(this);
    }
  }
}
