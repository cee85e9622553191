package io.mooring.pool.netty;

import io.mooring.pool.CloseMode;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.Destination;
import io.mooring.pool.Transport;
import io.mooring.pool.netty.internal.ChannelCloser;
import io.mooring.pool.netty.internal.IdleWatchHandler;
import io.mooring.pool.netty.internal.IoSupport;
import io.mooring.pool.netty.internal.ResolverThreads;
import io.mooring.pool.netty.internal.TlsFailureReset;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Netty {@link Transport}: opens pooled channels with a {@link Bootstrap}, watches idle ones
 * for the peer's FIN, and closes them the way the pool asks (RST for {@link CloseMode#ABORT}, FIN
 * for {@link CloseMode#GRACEFUL}).
 *
 * <pre>{@code
 * try (NettyTransport transport = NettyTransport.builder().build();
 *     ConnectionPool<Channel> pool = ConnectionPool.builder(transport).build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Pipeline.</b> Every channel gets, in order: an {@link SslHandler} for secure destinations
 * ({@link Destination#isSecure()}), below which a small handler turns the TLS handler's own close
 * on a TLS error after the handshake (a bad record, a fatal alert) into a reset, so that it leaves
 * no TIME_WAIT and counts as an abort; the idle watch (which reports the channel's end to the pool,
 * and aborts a channel whose peer sends bytes while it is idle, see {@link PooledChannels}), then
 * whatever the {@link Builder#channelInitializer} adds. The connect future completes once the
 * channel is connected and, for TLS, the handshake is done.
 *
 * <p><b>Event loops.</b> Native epoll when available and not {@link NettySettings#forceNio()}, else
 * NIO. Either the transport creates its event loop group and owns it ({@link #close()} shuts it
 * down), or the user supplies one with {@link Builder#eventLoopGroup}, which the transport never
 * shuts down and whose kind (epoll or NIO) decides the channel type.
 *
 * <p><b>Ownership.</b> The pool owns the channels: it closes them through {@link #close(Channel,
 * CloseMode)}. The transport outlives the pools that use it; close the pools first. {@link
 * #close()} aborts (RST, no TIME_WAIT) any channel still open, then shuts down an owned group.
 *
 * <p><b>DNS.</b> Host names are resolved by a {@link HostResolver} (default the JDK's, with its
 * cache) on a few resolver threads of the transport ({@link NettySettings#resolverThreads()}),
 * never on an event loop: a slow DNS server delays only the connects waiting for that name. The
 * connect timeout starts once the name is resolved; the pool's acquire timeout bounds the whole
 * wait.
 *
 * <p>Thread safe.
 */
public final class NettyTransport implements Transport<Channel>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NettyTransport.class.getName());

  private final NettySettings settings;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final boolean epoll;
  private final Bootstrap bootstrap;
  private final SslContext configuredSsl;
  private final TrustManagerFactory trustManager;
  private final PeerCloseRequester peerCloseRequester;
  private final Consumer<? super Channel> channelInitializer;
  private final ChannelCloser closer;
  private final ResolverThreads resolver;
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private volatile SslContext defaultSsl;
  private volatile boolean closed;

  private NettyTransport(Builder b) {
    this.settings = b.settings;
    if (b.group != null) {
      this.group = b.group;
      this.ownsGroup = false;
      this.epoll = IoSupport.isEpollGroup(b.group);
    } else {
      this.epoll = !settings.forceNio() && IoSupport.epollAvailable();
      this.group = IoSupport.newGroup(epoll, settings.ioThreads());
      this.ownsGroup = true;
    }
    this.configuredSsl = b.sslContext;
    this.trustManager = b.trustManager;
    this.peerCloseRequester = b.peerCloseRequester;
    this.channelInitializer = b.channelInitializer;
    this.closer = new ChannelCloser(settings.abortDrainTimeout().toNanos());
    this.resolver = new ResolverThreads(b.resolver, settings.resolverThreads());
    Bootstrap bs =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            // Addresses arrive resolved (ResolverThreads): Netty must never resolve on the loop.
            .resolver(NoopAddressResolverGroup.INSTANCE)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, settings.tcpNoDelay())
            .option(ChannelOption.SO_KEEPALIVE, settings.soKeepAlive())
            // Read interest stays on for idle channels: the peer's FIN must be seen at once.
            .option(ChannelOption.AUTO_READ, true)
            // On the peer's FIN Netty closes our half at once, so no CLOSE_WAIT lingers.
            .option(ChannelOption.ALLOW_HALF_CLOSURE, false);
    if (epoll && settings.localBindAddress().isPresent()) {
      // Bind the source IP without picking a port: connect() picks it per 4-tuple.
      bs.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
    this.bootstrap = bs;
  }

  /** A builder with default settings, an owned event loop group and the JDK's default trust. */
  public static Builder builder() {
    return new Builder();
  }

  /** The settings this transport was built with. */
  public NettySettings settings() {
    return settings;
  }

  /** Whether channels use native epoll ({@code true}) or NIO ({@code false}). */
  public boolean isEpoll() {
    return epoll;
  }

  /** The event loop group the channels run on; owned by the transport unless the user gave it. */
  public EventLoopGroup eventLoopGroup() {
    return group;
  }

  /** Channels this transport opened that are still open, whoever holds them. */
  public int openChannels() {
    return open.size();
  }

  /**
   * Opens a channel to {@code destination}, TLS included for secure schemes, once its host name is
   * resolved off the event loops (see {@link HostResolver}). The future fails with an {@link
   * java.net.UnknownHostException} naming the destination when the name does not resolve, with the
   * connect error (Netty's message names the address), or with an {@link SSLHandshakeException}
   * naming the destination when TLS fails; a failed channel is already closed. From completion on,
   * the end of the channel is reported to {@code listener} once, unless the pool closed it.
   */
  @Override
  public CompletableFuture<Channel> connect(Destination destination, ConnectionListener listener) {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      return CompletableFuture.failedFuture(closedException(destination));
    }
    SslContext ssl;
    try {
      ssl = destination.isSecure() ? sslContext() : null;
    } catch (SSLException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Channel> result = new CompletableFuture<>();
    IdleWatchHandler watch = new IdleWatchHandler(listener, closer, peerCloseRequester, open);
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    open.add(ch);
                    if (ssl != null) {
                      ch.pipeline().addLast("mooring-tls-reset", new TlsFailureReset(watch));
                      ch.pipeline().addLast("mooring-tls", newSslHandler(ch, ssl, destination));
                    }
                    ch.pipeline().addLast("mooring-idle-watch", watch);
                    if (channelInitializer != null) {
                      channelInitializer.accept(ch);
                    }
                  }
                });
    resolver
        .resolve(destination)
        .whenComplete(
            (remote, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              } else if (closed) {
                result.completeExceptionally(closedException(destination));
              } else {
                open(b, remote, watch, result, destination);
              }
            });
    return result;
  }

  private static IllegalStateException closedException(Destination destination) {
    return new IllegalStateException("transport is closed; cannot connect to " + destination);
  }

  private void open(
      Bootstrap b,
      InetSocketAddress remote,
      IdleWatchHandler watch,
      CompletableFuture<Channel> result,
      Destination destination) {
    ChannelFuture connecting =
        settings.localBindAddress().isPresent()
            ? b.connect(remote, new InetSocketAddress(settings.localBindAddress().get(), 0))
            : b.connect(remote);
    connecting.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
            return;
          }
          Channel ch = f.channel();
          SslHandler tls = ch.pipeline().get(SslHandler.class);
          if (tls == null) {
            ready(ch, watch, result, destination);
            return;
          }
          tls.handshakeFuture()
              .addListener(
                  hs -> {
                    if (hs.isSuccess()) {
                      ready(ch, watch, result, destination);
                    } else {
                      closer.resetNow(ch);
                      result.completeExceptionally(handshakeFailure(destination, hs.cause()));
                    }
                  });
        });
  }

  private void ready(
      Channel ch,
      IdleWatchHandler watch,
      CompletableFuture<Channel> result,
      Destination destination) {
    if (!watch.arm(ch)) {
      result.completeExceptionally(
          new IOException("connection to " + destination + " closed right after connect"));
      return;
    }
    if (!result.complete(ch)) {
      watch.closeRequested();
      closer.resetNow(ch); // nobody wants it any more
    }
  }

  private static SSLHandshakeException handshakeFailure(Destination destination, Throwable cause) {
    String detail = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    if (detail.contains("No subject alternative") || detail.contains("No name matching")) {
      detail += " (the server's certificate does not name host " + destination.host() + ")";
    }
    SSLHandshakeException e =
        new SSLHandshakeException("TLS handshake with " + destination + " failed: " + detail);
    e.initCause(cause);
    return e;
  }

  private SslHandler newSslHandler(Channel ch, SslContext ssl, Destination destination) {
    String host = destination.host();
    SslHandler handler = ssl.newHandler(ch.alloc(), host, destination.port());
    handler.setHandshakeTimeoutMillis(settings.tlsHandshakeTimeout().toMillis());
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    // The setting wins over whatever the SslContext says: verification is on unless turned off.
    // Off is "", not null: the JDK engine ignores a null algorithm and keeps the one it had.
    params.setEndpointIdentificationAlgorithm(settings.hostnameVerification() ? "HTTPS" : "");
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      // The JDK sends SNI only for names with a dot; send it for every host name (RFC 6066
      // forbids it for IP literals).
      try {
        List<SNIServerName> names = new ArrayList<>(1);
        names.add(new SNIHostName(host));
        params.setServerNames(names);
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "no SNI for host name " + host, e);
      }
    }
    engine.setSSLParameters(params);
    return handler;
  }

  private SslContext sslContext() throws SSLException {
    if (configuredSsl != null) {
      return configuredSsl;
    }
    SslContext ctx = defaultSsl;
    if (ctx == null) {
      synchronized (this) {
        ctx = defaultSsl;
        if (ctx == null) {
          SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
          if (trustManager != null) {
            b.trustManager(trustManager);
          }
          ctx = b.build();
          defaultSsl = ctx;
        }
      }
    }
    return ctx;
  }

  /** The channel's local address, for the pool's port accounting. */
  @Override
  public InetSocketAddress localAddress(Channel connection) {
    SocketAddress a = connection.localAddress();
    return a instanceof InetSocketAddress i ? i : null;
  }

  /**
   * The channel's resolved remote address, by which the pool's port monitor counts the kernel's
   * sockets for this destination (the 4-tuple limit applies per remote ip and port).
   */
  @Override
  public InetSocketAddress remoteAddress(Channel connection) {
    SocketAddress a = connection.remoteAddress();
    return a instanceof InetSocketAddress i ? i : null;
  }

  /**
   * Closes the channel: {@link CloseMode#ABORT} sets SO_LINGER=0 and closes (RST, no TIME_WAIT; on
   * epoll first waiting up to {@link NettySettings#abortDrainTimeout()} for sent bytes to be
   * acknowledged), {@link CloseMode#GRACEFUL} closes normally (TLS close_notify, then FIN: one
   * client TIME_WAIT). Returns at once; the close completes on the event loop and is not reported
   * back to the pool's listener.
   */
  @Override
  public void close(Channel connection, CloseMode mode) {
    IdleWatchHandler watch = IdleWatchHandler.of(connection);
    if (watch != null) {
      watch.closeRequested();
    }
    closer.close(connection, mode);
  }

  /**
   * Marks the channel leased: bytes from the peer go to the protocol (see {@link PooledChannels}).
   */
  @Override
  public void onLeased(Channel connection) {
    PooledChannels.markLeased(connection);
  }

  /** Marks the channel idle: a byte from the peer now aborts it (see {@link PooledChannels}). */
  @Override
  public void onIdle(Channel connection) {
    PooledChannels.markIdle(connection);
  }

  /**
   * Asks the peer to close through the channel's {@link PeerCloseRequester} (its own, else the
   * transport-wide one); {@code false} when there is none or it could not send the request.
   */
  @Override
  public boolean requestPeerClose(Channel connection) {
    IdleWatchHandler watch = IdleWatchHandler.of(connection);
    return watch != null && connection.isActive() && watch.requestPeerClose(connection);
  }

  /**
   * Closes the transport: new connects fail, channels still open are aborted (RST, so that not even
   * a forgotten channel leaves a TIME_WAIT) and awaited, and an owned event loop group is shut
   * down, waiting up to 5 s for its threads. Blocks; do not call it on an event loop. A
   * user-supplied group is left running. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChannelFuture> closing = new ArrayList<>();
    for (Channel ch : open) {
      IdleWatchHandler watch = IdleWatchHandler.of(ch);
      if (watch != null) {
        watch.closeRequested();
      }
      closer.close(ch, CloseMode.ABORT);
      closing.add(ch.closeFuture());
    }
    // Wait for the resets before stopping the event loops: a shutting-down loop closes its
    // channels itself, with a FIN, which would leave the very TIME_WAIT the abort avoids.
    long deadline = System.nanoTime() + settings.abortDrainTimeout().toNanos() + 1_000_000_000L;
    for (ChannelFuture f : closing) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "channels still closing at transport close");
        break;
      }
    }
    resolver.close();
    if (ownsGroup) {
      if (!group
          .shutdownGracefully(0, 2, TimeUnit.SECONDS)
          .awaitUninterruptibly(5, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "event loop group did not stop within 5 s");
      }
    }
  }

  @Override
  public String toString() {
    return "NettyTransport{" + (epoll ? "epoll" : "nio") + ", " + settings + '}';
  }

  /** Configures and builds a {@link NettyTransport}. Not thread safe; every setting is optional. */
  public static final class Builder {
    private NettySettings settings = NettySettings.defaults();
    private EventLoopGroup group;
    private SslContext sslContext;
    private TrustManagerFactory trustManager;
    private PeerCloseRequester peerCloseRequester;
    private Consumer<? super Channel> channelInitializer;
    private HostResolver resolver = HostResolver.system();

    private Builder() {}

    /** Socket and TLS settings; default {@link NettySettings#defaults()}. */
    public Builder settings(NettySettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Runs channels on {@code group}, which the user owns: the transport never shuts it down. It
     * must be an {@code NioEventLoopGroup} or {@code EpollEventLoopGroup}, or on Netty 4.2 a {@code
     * MultiThreadIoEventLoopGroup} with an epoll or NIO {@code IoHandler}; its kind decides the
     * channel type, and {@link NettySettings#forceNio()} and {@link NettySettings#ioThreads()} are
     * ignored. Default: a group the transport creates and owns.
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "eventLoopGroup");
      return this;
    }

    /**
     * The client {@link SslContext} for secure destinations. The transport still sets endpoint
     * identification ({@link NettySettings#hostnameVerification()}), SNI and the handshake timeout
     * on each engine. Default: a JDK-provider client context with {@link #trustManager} or the
     * JDK's default trust store.
     */
    public Builder sslContext(SslContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** The trust for the default {@link SslContext}; ignored when {@link #sslContext} is set. */
    public Builder trustManager(TrustManagerFactory trustManager) {
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * How to ask the peers of all channels to close; a channel's own one ({@link
     * PooledChannels#setPeerCloseRequester}) wins. Default none: the pool applies its fallback.
     */
    public Builder peerCloseRequester(PeerCloseRequester requester) {
      this.peerCloseRequester = Objects.requireNonNull(requester, "peerCloseRequester");
      return this;
    }

    /**
     * Adds the protocol's handlers to each new channel, after the idle watch; called on the
     * channel's event loop before the connect completes. Must not block or close the channel.
     */
    public Builder channelInitializer(Consumer<? super Channel> initializer) {
      this.channelInitializer = Objects.requireNonNull(initializer, "channelInitializer");
      return this;
    }

    /**
     * How host names become addresses; called on the transport's resolver threads, never on an
     * event loop, so it may block. Default {@link HostResolver#system()}.
     */
    public Builder resolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Builds the transport, creating its event loop group unless one was supplied.
     *
     * @throws IllegalArgumentException if the supplied group is neither epoll nor NIO
     */
    public NettyTransport build() {
      if (sslContext != null && !sslContext.isClient()) {
        throw new IllegalArgumentException(
            "sslContext is a server context; expected a client context (SslContextBuilder.forClient())");
      }
      return new NettyTransport(this);
    }
  }
}
