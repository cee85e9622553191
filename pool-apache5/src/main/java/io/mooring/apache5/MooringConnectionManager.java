package io.mooring.apache5;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.apache5.internal.ApacheConnection;
import io.mooring.apache5.internal.Connector;
import io.mooring.apache5.internal.MooringEndpoint;
import io.mooring.apache5.internal.MooringLeaseRequest;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.PoolStats;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.socket.IdleSocketWatcher;
import io.mooring.pool.socket.SocketTransport;
import io.mooring.pool.socket.WatchedSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * An Apache HttpClient 5 classic {@link HttpClientConnectionManager} on the Mooring pool:
 *
 * <pre>{@code
 * CloseableHttpClient client = HttpClients.custom()
 *     .setConnectionManager(MooringConnectionManager.builder()
 *         .poolSettings(PoolSettings.builder().maxConnectionsPerDestination(50).build())
 *         .meterRegistry(registry)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>What it pools.</b> Apache's own connection objects (from its {@link
 * ManagedHttpClientConnectionFactory}), one per route (scheme, host, port), with the pool's limits,
 * LIFO reuse, lifetimes, learned keep-alive, leak detection, meters and port back-pressure. A new
 * connection is opened by the thread that leased it, with Apache's own connection operator (DNS,
 * every address in turn, socket options, timeouts, the TLS strategy and its hostname verification),
 * so connect failures are Apache's exceptions.
 *
 * <p><b>What changes on the wire.</b> The last use of a connection that the pool retires (max
 * requests, lifetime) carries {@code Connection: close}, so the server closes first; a connection
 * the server closes is closed on our side the moment its FIN arrives; a connection Apache discards
 * or the pool drops while nothing is in flight is aborted with RST; an exchange abandoned midway is
 * aborted too. So the client keeps no TIME_WAIT, and no CLOSE_WAIT either: one watcher thread sees
 * a server's FIN on an idle connection at once. A connection idle near the server's keep-alive
 * timeout (declared in {@link PoolSettings#serverIdleTimeout()}, announced with {@code Keep-Alive:
 * timeout}, or learned) is never leased.
 *
 * <p><b>Apache's settings.</b> {@link ConnectionConfig}: connect and socket timeouts apply;
 * validate-after-inactivity is not needed (idle connections are watched) and ignored; time-to-live
 * is refused (use {@link PoolSettings#maxLifetime()}). {@link SocketConfig}: options apply except
 * SO_LINGER (the pool decides how sockets close) and SOCKS proxies, both refused. The {@code
 * validDuration} Apache passes on release is honoured as reuse or not (zero or a discarded
 * connection: not reused); how long an idle connection is kept is the pool's decision. Connection
 * state (Apache's user token) is not used to pick connections. Routes through a proxy or from a
 * chosen local address are not supported: {@link #lease} refuses them.
 *
 * <p>Thread safe. Closing it (Apache's client does so when it is closed) closes the pool under its
 * {@link io.mooring.pool.ClosePolicy}: no client TIME_WAIT under the default.
 */
public final class MooringConnectionManager implements HttpClientConnectionManager {
  private final ConnectionPool<ApacheConnection> pool;
  private final SocketTransport<ApacheConnection> transport;
  private final IdleSocketWatcher ownedWatcher;
  private final Connector connector;
  private final SchemePortResolver schemePortResolver;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MooringConnectionManager(Builder b) {
    HttpConnectionFactory<ManagedHttpClientConnection> factory = b.connectionFactory;
    this.ownedWatcher = b.watcher == null ? IdleSocketWatcher.start() : null;
    this.transport =
        SocketTransport.builder(
                (WatchedSocket s) -> new ApacheConnection(s, newConnection(factory)))
            .watcher(b.watcher != null ? b.watcher : ownedWatcher)
            .build();
    ConnectionPool.Builder<ApacheConnection> pb =
        ConnectionPool.builder(transport).settings(b.poolSettings);
    if (b.meterRegistry != null) {
      pb.meterRegistry(b.meterRegistry);
    }
    if (b.portMonitor != null) {
      pb.portMonitor(b.portMonitor);
    }
    this.pool = pb.build();
    this.schemePortResolver = b.schemePortResolver;
    this.connector =
        new Connector(
            RegistryBuilder.<TlsSocketStrategy>create()
                .register(URIScheme.HTTPS.id, b.tlsSocketStrategy)
                .build(),
            b.schemePortResolver,
            b.dnsResolver,
            b.connectionConfig,
            b.socketConfig,
            b.tlsConfig,
            b.portMonitor);
  }

  private static ManagedHttpClientConnection newConnection(
      HttpConnectionFactory<ManagedHttpClientConnection> factory) {
    try {
      return factory.createConnection(null);
    } catch (IOException e) {
      throw new UncheckedIOException("Apache's connection factory failed", e);
    }
  }

  /** A builder with the pool's defaults, Apache's default TLS strategy and default configs. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Requests a connection for {@code route}; {@link LeaseRequest#get} waits for it on the calling
   * thread. The endpoint may come unconnected: Apache then calls {@link #connect}.
   *
   * @throws IllegalArgumentException if the route goes through a proxy or binds a local address
   */
  @Override
  public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
    return new MooringLeaseRequest(pool, route, destination(route));
  }

  private Destination destination(HttpRoute route) {
    Objects.requireNonNull(route, "route");
    if (route.getProxyHost() != null) {
      throw new IllegalArgumentException(
          "route "
              + route
              + " goes through a proxy; MooringConnectionManager supports direct routes only");
    }
    if (route.getLocalAddress() != null) {
      throw new IllegalArgumentException(
          "route "
              + route
              + " binds local address "
              + route.getLocalAddress()
              + "; MooringConnectionManager does not support chosen local addresses");
    }
    HttpHost target = route.getTargetHost();
    int port = target.getPort() > 0 ? target.getPort() : resolvePort(target);
    return Destination.of(target.getSchemeName(), target.getHostName(), port);
  }

  private int resolvePort(HttpHost target) {
    try {
      return schemePortResolver.resolve(target);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("no port for " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Gives a leased endpoint back: reused when Apache keeps it ({@code validDuration} not null nor
   * zero) and its exchange is complete, otherwise closed the peer-first way or aborted (see the
   * class comment). Idempotent.
   */
  @Override
  public void release(ConnectionEndpoint endpoint, Object newState, TimeValue validDuration) {
    cast(endpoint).release(validDuration);
  }

  /**
   * Opens the endpoint's connection on the calling thread with Apache's connection operator (TLS
   * included for {@code https}); does nothing if it is connected.
   */
  @Override
  public void connect(ConnectionEndpoint endpoint, TimeValue connectTimeout, HttpContext context)
      throws IOException {
    MooringEndpoint e = cast(endpoint);
    connector.connect(e.connection(), e.route(), connectTimeout, context);
  }

  /** Layers TLS over the endpoint's connection with the configured TLS strategy. */
  @Override
  public void upgrade(ConnectionEndpoint endpoint, HttpContext context) throws IOException {
    MooringEndpoint e = cast(endpoint);
    connector.upgrade(e.connection(), e.route(), context);
  }

  private static MooringEndpoint cast(ConnectionEndpoint endpoint) {
    if (endpoint instanceof MooringEndpoint e) {
      return e;
    }
    throw new IllegalStateException(
        "endpoint " + endpoint + " was not leased from a MooringConnectionManager");
  }

  /**
   * A snapshot of the connections and waiters toward {@code target} ({@code https://host:port}).
   */
  public PoolStats stats(HttpHost target) {
    return pool.stats(destination(new HttpRoute(target)));
  }

  /** The pool's settings. */
  public PoolSettings poolSettings() {
    return pool.settings();
  }

  /** {@link #close(CloseMode)} with {@link CloseMode#GRACEFUL}. */
  @Override
  public void close() {
    close(CloseMode.GRACEFUL);
  }

  /**
   * Closes the pool: {@link CloseMode#GRACEFUL} waits for leased connections up to {@link
   * PoolSettings#shutdownGracePeriod()} and closes idle ones under the pool's policy (RST under the
   * default: no client TIME_WAIT); {@link CloseMode#IMMEDIATE} does not wait. Either way, sockets
   * still open at the end are aborted. Idempotent.
   */
  @Override
  public void close(CloseMode mode) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (mode == CloseMode.IMMEDIATE) {
      pool.closeAsync();
    } else {
      pool.close();
    }
    transport.close();
    if (ownedWatcher != null) {
      ownedWatcher.close();
    }
  }

  @Override
  public String toString() {
    return "MooringConnectionManager{" + pool.settings() + '}';
  }

  /** Configures and builds a {@link MooringConnectionManager}. Not thread safe. */
  public static final class Builder {
    private PoolSettings poolSettings = PoolSettings.defaults();
    private MeterRegistry meterRegistry;
    private PortMonitor portMonitor;
    private TlsSocketStrategy tlsSocketStrategy;
    private ConnectionConfig connectionConfig = ConnectionConfig.DEFAULT;
    private SocketConfig socketConfig = SocketConfig.DEFAULT;
    private TlsConfig tlsConfig = TlsConfig.DEFAULT;
    private DnsResolver dnsResolver;
    private SchemePortResolver schemePortResolver = DefaultSchemePortResolver.INSTANCE;
    private HttpConnectionFactory<ManagedHttpClientConnection> connectionFactory =
        ManagedHttpClientConnectionFactory.INSTANCE;
    private IdleSocketWatcher watcher;

    private Builder() {}

    /** The pool's limits, lifetimes and close policy; default {@link PoolSettings#defaults()}. */
    public Builder poolSettings(PoolSettings settings) {
      this.poolSettings = Objects.requireNonNull(settings, "poolSettings");
      return this;
    }

    /** Where the pool registers its {@code mooring.*} meters; none by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * The kernel's view of ephemeral ports, for back-pressure and for explaining EADDRNOTAVAIL (see
     * {@link ConnectionPool.Builder#portMonitor}); the manager neither starts nor closes it.
     */
    public Builder portMonitor(PortMonitor monitor) {
      this.portMonitor = Objects.requireNonNull(monitor, "portMonitor");
      return this;
    }

    /**
     * TLS for {@code https} routes, as Apache configures it; default {@link
     * DefaultClientTlsStrategy#createDefault()} (the JVM's trust, hostname verification on).
     */
    public Builder tlsSocketStrategy(TlsSocketStrategy strategy) {
      this.tlsSocketStrategy = Objects.requireNonNull(strategy, "tlsSocketStrategy");
      return this;
    }

    /** Connect and socket timeouts; default {@link ConnectionConfig#DEFAULT}. */
    public Builder defaultConnectionConfig(ConnectionConfig config) {
      this.connectionConfig = Objects.requireNonNull(config, "connectionConfig");
      return this;
    }

    /** Socket options; default {@link SocketConfig#DEFAULT}. */
    public Builder defaultSocketConfig(SocketConfig config) {
      this.socketConfig = Objects.requireNonNull(config, "socketConfig");
      return this;
    }

    /** TLS handshake timeout and protocol versions; default {@link TlsConfig#DEFAULT}. */
    public Builder defaultTlsConfig(TlsConfig config) {
      this.tlsConfig = Objects.requireNonNull(config, "tlsConfig");
      return this;
    }

    /** How host names are resolved; default the system's resolver. */
    public Builder dnsResolver(DnsResolver resolver) {
      this.dnsResolver = Objects.requireNonNull(resolver, "dnsResolver");
      return this;
    }

    /** The default port of each scheme; default Apache's (80, 443). */
    public Builder schemePortResolver(SchemePortResolver resolver) {
      this.schemePortResolver = Objects.requireNonNull(resolver, "schemePortResolver");
      return this;
    }

    /** Makes Apache's connection objects; default {@link ManagedHttpClientConnectionFactory}. */
    public Builder connectionFactory(HttpConnectionFactory<ManagedHttpClientConnection> factory) {
      this.connectionFactory = Objects.requireNonNull(factory, "connectionFactory");
      return this;
    }

    /**
     * Watches idle connections on a watcher the caller owns and closes after the manager (one
     * watcher can serve many managers and transports). Default: the manager starts its own, with
     * {@link IdleSocketWatcher#DEFAULT_WATCH_DELAY}, and stops it when closed.
     */
    public Builder watcher(IdleSocketWatcher watcher) {
      this.watcher = Objects.requireNonNull(watcher, "watcher");
      return this;
    }

    /**
     * Validates the settings and builds the manager.
     *
     * @throws IllegalArgumentException naming a setting the manager cannot honour: SO_LINGER or a
     *     SOCKS proxy in the {@link SocketConfig}, a time-to-live in the {@link ConnectionConfig}
     */
    public MooringConnectionManager build() {
      if (socketConfig.getSoLinger() != null
          && socketConfig.getSoLinger().toMillisecondsIntBound() >= 0) {
        throw new IllegalArgumentException(
            "SocketConfig.soLinger is "
                + socketConfig.getSoLinger()
                + "; expected it unset: the pool decides how sockets close (RST when nothing is in"
                + " flight, else the server first)");
      }
      if (socketConfig.getSocksProxyAddress() != null) {
        throw new IllegalArgumentException(
            "SocketConfig.socksProxyAddress is "
                + socketConfig.getSocksProxyAddress()
                + "; SOCKS proxies are not supported by MooringConnectionManager");
      }
      if (TimeValue.isNonNegative(connectionConfig.getTimeToLive())) {
        throw new IllegalArgumentException(
            "ConnectionConfig.timeToLive is "
                + connectionConfig.getTimeToLive()
                + "; expected it unset: use PoolSettings.maxLifetime, which retires connections"
                + " peer-first");
      }
      if (tlsSocketStrategy == null) {
        tlsSocketStrategy = DefaultClientTlsStrategy.createDefault();
      }
      return new MooringConnectionManager(this);
    }
  }
}
