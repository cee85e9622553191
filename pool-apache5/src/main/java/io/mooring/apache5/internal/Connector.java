package io.mooring.apache5.internal;

import io.mooring.pool.ports.PortExhaustion;
import io.mooring.pool.ports.PortMonitor;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Lookup;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Opens connections the way Apache's own pooling manager does, with Apache's own {@link
 * DefaultHttpClientConnectionOperator} (DNS resolver, every resolved address in turn, socket
 * options, connect timeout, TLS strategy with its hostname verification, Apache's exceptions), on
 * the calling thread, over a {@link java.nio.channels.SocketChannel} that it then hands to the
 * pooled socket. Thread safe (immutable).
 *
 * @param tls the TLS strategy per scheme ({@code https})
 * @param schemePortResolver the default port per scheme, or null for Apache's
 * @param dnsResolver the resolver, or null for the system's
 * @param connectionConfig connect and socket timeouts
 * @param socketConfig socket options
 * @param tlsConfig TLS handshake timeout and versions
 * @param portMonitor explains EADDRNOTAVAIL, or null
 */
public record Connector(
    Lookup<TlsSocketStrategy> tls,
    SchemePortResolver schemePortResolver,
    DnsResolver dnsResolver,
    ConnectionConfig connectionConfig,
    SocketConfig socketConfig,
    TlsConfig tlsConfig,
    PortMonitor portMonitor) {

  /**
   * Connects {@code connection} to the route's target (TLS included for {@code https}) unless it is
   * connected. A failure leaves the connection unconnected; the caller's lease is then failed.
   *
   * @param timeout the connect timeout, or null for {@link ConnectionConfig#getConnectTimeout()}
   * @param context Apache's context, or null
   */
  public void connect(
      ApacheConnection connection, HttpRoute route, TimeValue timeout, HttpContext context)
      throws IOException {
    if (connection.isConnected()) {
      return;
    }
    HttpHost target = route.getTargetHost();
    Timeout connectTimeout =
        timeout != null
            ? Timeout.of(timeout.getDuration(), timeout.getTimeUnit())
            : connectionConfig.getConnectTimeout();
    ChannelSockets sockets = new ChannelSockets();
    try {
      operator(sockets)
          .connect(
              connection.http(),
              target,
              route.getTargetName(),
              route.getLocalSocketAddress(),
              connectTimeout,
              socketConfig,
              tlsConfig,
              context != null ? context : HttpCoreContext.create());
    } catch (IOException e) {
      if (PortExhaustion.isAddressNotAvailable(e)) {
        throw PortExhaustion.exception(
            InetSocketAddress.createUnresolved(
                target.getHostName(), connection.socket().destination().port()),
            portMonitor,
            e);
      }
      throw e;
    }
    connection.socket().attach(sockets.last());
    Timeout socketTimeout = connectionConfig.getSocketTimeout();
    if (socketTimeout != null) {
      connection.http().setSocketTimeout(socketTimeout);
    }
  }

  /** Layers TLS over a connected connection (after a tunnel), with the route's target name. */
  public void upgrade(ApacheConnection connection, HttpRoute route, HttpContext context)
      throws IOException {
    operator(new ChannelSockets())
        .upgrade(
            connection.http(),
            route.getTargetHost(),
            route.getTargetName(),
            tlsConfig,
            context != null ? context : HttpCoreContext.create());
  }

  private DefaultHttpClientConnectionOperator operator(ChannelSockets sockets) {
    return new DefaultHttpClientConnectionOperator(sockets, schemePortResolver, dnsResolver, tls);
  }
}
