package io.mooring.pool.netty;

import static io.mooring.pool.internal.SettingRanges.between;
import static io.mooring.pool.internal.SettingRanges.intRange;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable socket and TLS settings of a {@link NettyTransport}. Build them with {@link
 * #builder()}; {@link Builder#build()} validates every value and throws {@link
 * IllegalArgumentException} naming the setting, the value and the accepted range. Nothing is ever
 * clamped silently.
 *
 * <p>Thread safe (immutable).
 */
public final class NettySettings {
  private final Duration connectTimeout;
  private final boolean tcpNoDelay;
  private final boolean soKeepAlive;
  private final boolean forceNio;
  private final InetAddress localBindAddress;
  private final int ioThreads;
  private final Duration tlsHandshakeTimeout;
  private final boolean hostnameVerification;
  private final Duration abortDrainTimeout;
  private final int resolverThreads;

  private NettySettings(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.tcpNoDelay = b.tcpNoDelay;
    this.soKeepAlive = b.soKeepAlive;
    this.forceNio = b.forceNio;
    this.localBindAddress = b.localBindAddress;
    this.ioThreads = b.ioThreads;
    this.tlsHandshakeTimeout = b.tlsHandshakeTimeout;
    this.hostnameVerification = b.hostnameVerification;
    this.abortDrainTimeout = b.abortDrainTimeout;
    this.resolverThreads = b.resolverThreads;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: see each getter. */
  public static NettySettings defaults() {
    return builder().build();
  }

  /** A builder holding these settings, to derive changed ones. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** How long a TCP connect may take, TLS excluded. Default 10 s; 1 ms to 10 min. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Whether {@code TCP_NODELAY} is set (Nagle off). Default {@code true}. */
  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  /** Whether {@code SO_KEEPALIVE} is set. Default {@code true}. */
  public boolean soKeepAlive() {
    return soKeepAlive;
  }

  /**
   * Whether to use the JDK NIO transport even where native epoll is available. Default {@code
   * false}: epoll when {@code Epoll.isAvailable()}, NIO otherwise. Ignored when the user supplies
   * an event loop group, whose kind decides.
   */
  public boolean forceNio() {
    return forceNio;
  }

  /**
   * The source IP connections bind to, if any. On epoll the bind uses {@code
   * IP_BIND_ADDRESS_NO_PORT}, so choosing a source IP does not reserve a local port before the
   * connect picks one per 4-tuple; on NIO a bind to port 0 reserves a port, which shrinks the
   * usable ephemeral range to one connection per port across all destinations.
   */
  public Optional<InetAddress> localBindAddress() {
    return Optional.ofNullable(localBindAddress);
  }

  /**
   * Threads of the event loop group the transport creates when none is supplied; 0 (default) means
   * Netty's default of twice the available processors. 0 to 1,024.
   */
  public int ioThreads() {
    return ioThreads;
  }

  /** How long a TLS handshake may take after the TCP connect. Default 10 s; 1 ms to 10 min. */
  public Duration tlsHandshakeTimeout() {
    return tlsHandshakeTimeout;
  }

  /**
   * Whether the server certificate must match the destination host (endpoint identification
   * algorithm {@code HTTPS}). Default {@code true}; turn it off only for tests.
   */
  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  /**
   * On epoll, how long an abort (SO_LINGER=0) waits for the kernel to report no unacknowledged sent
   * bytes ({@code tcpInfo.unacked == 0}) before it resets the connection anyway. The pool aborts
   * only with nothing in flight, so this wait is normally zero; it guards the last bytes we sent
   * (for example a request to close) from being discarded by the reset. Default 200 ms; ZERO turns
   * the check off; at most 10 s. Not used on NIO, which cannot read {@code tcp_info}.
   */
  public Duration abortDrainTimeout() {
    return abortDrainTimeout;
  }

  /**
   * Threads that resolve host names for new connections, off the event loops (see {@link
   * HostResolver}): at most this many slow lookups run at once, more wait in line. The threads are
   * daemons, started on demand and ended after 30 s without work. Default 2; 1 to 64.
   */
  public int resolverThreads() {
    return resolverThreads;
  }

  @Override
  public String toString() {
    return "NettySettings{connectTimeout="
        + connectTimeout
        + ", tcpNoDelay="
        + tcpNoDelay
        + ", soKeepAlive="
        + soKeepAlive
        + ", forceNio="
        + forceNio
        + ", localBindAddress="
        + localBindAddress
        + ", ioThreads="
        + ioThreads
        + ", tlsHandshakeTimeout="
        + tlsHandshakeTimeout
        + ", hostnameVerification="
        + hostnameVerification
        + ", abortDrainTimeout="
        + abortDrainTimeout
        + ", resolverThreads="
        + resolverThreads
        + '}';
  }

  /** Mutable, not thread safe; {@link #build()} validates and returns immutable settings. */
  public static final class Builder {
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    private Duration connectTimeout = Duration.ofSeconds(10);
    private boolean tcpNoDelay = true;
    private boolean soKeepAlive = true;
    private boolean forceNio;
    private InetAddress localBindAddress;
    private int ioThreads;
    private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
    private boolean hostnameVerification = true;
    private Duration abortDrainTimeout = Duration.ofMillis(200);
    private int resolverThreads = 2;

    private Builder() {}

    private Builder(NettySettings s) {
      connectTimeout = s.connectTimeout;
      tcpNoDelay = s.tcpNoDelay;
      soKeepAlive = s.soKeepAlive;
      forceNio = s.forceNio;
      localBindAddress = s.localBindAddress;
      ioThreads = s.ioThreads;
      tlsHandshakeTimeout = s.tlsHandshakeTimeout;
      hostnameVerification = s.hostnameVerification;
      abortDrainTimeout = s.abortDrainTimeout;
      resolverThreads = s.resolverThreads;
    }

    /** See {@link NettySettings#connectTimeout()}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    /** See {@link NettySettings#tcpNoDelay()}. */
    public Builder tcpNoDelay(boolean on) {
      this.tcpNoDelay = on;
      return this;
    }

    /** See {@link NettySettings#soKeepAlive()}. */
    public Builder soKeepAlive(boolean on) {
      this.soKeepAlive = on;
      return this;
    }

    /** See {@link NettySettings#forceNio()}. */
    public Builder forceNio(boolean on) {
      this.forceNio = on;
      return this;
    }

    /** See {@link NettySettings#localBindAddress()}; {@code null} removes it. */
    public Builder localBindAddress(InetAddress address) {
      this.localBindAddress = address;
      return this;
    }

    /** See {@link NettySettings#ioThreads()}. */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /** See {@link NettySettings#tlsHandshakeTimeout()}. */
    public Builder tlsHandshakeTimeout(Duration timeout) {
      this.tlsHandshakeTimeout = Objects.requireNonNull(timeout, "tlsHandshakeTimeout");
      return this;
    }

    /** See {@link NettySettings#hostnameVerification()}. */
    public Builder hostnameVerification(boolean on) {
      this.hostnameVerification = on;
      return this;
    }

    /** See {@link NettySettings#abortDrainTimeout()}. */
    public Builder abortDrainTimeout(Duration timeout) {
      this.abortDrainTimeout = Objects.requireNonNull(timeout, "abortDrainTimeout");
      return this;
    }

    /** See {@link NettySettings#resolverThreads()}. */
    public Builder resolverThreads(int threads) {
      this.resolverThreads = threads;
      return this;
    }

    /**
     * Validates and returns the settings.
     *
     * @throws IllegalArgumentException naming the first setting out of range, its value and the
     *     range
     */
    public NettySettings build() {
      between("connectTimeout", connectTimeout, ONE_MS, TEN_MINUTES);
      between("tlsHandshakeTimeout", tlsHandshakeTimeout, ONE_MS, TEN_MINUTES);
      between("abortDrainTimeout", abortDrainTimeout, Duration.ZERO, Duration.ofSeconds(10));
      intRange("ioThreads", ioThreads, 0, 1024);
      intRange("resolverThreads", resolverThreads, 1, 64);
      if (localBindAddress != null
          && (localBindAddress.isAnyLocalAddress() || localBindAddress.isMulticastAddress())) {
        throw new IllegalArgumentException(
            "localBindAddress is "
                + localBindAddress.getHostAddress()
                + "; expected a unicast address of this host (not the wildcard or multicast)");
      }
      // Netty's connect timeout is an int of milliseconds, and sub-millisecond values round down.
      if (connectTimeout.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "connectTimeout is " + connectTimeout + "; expected whole milliseconds");
      }
      return new NettySettings(this);
    }
  }
}
