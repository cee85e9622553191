package io.mooring.benchmarks.http;

import io.mooring.apache5.MooringConnectionManager;
import io.mooring.pool.PoolSettings;
import java.io.IOException;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic (blocking I/O) over its own {@link
 * PoolingHttpClientConnectionManager} or over Mooring's {@link MooringConnectionManager}, either
 * allowing {@code inFlight} connections per route, with the same timeouts. A request object is
 * mutable, so each call builds one; the body is read into a byte array by the response handler,
 * which releases the connection.
 */
final class ApacheClassicAdapter implements HttpClientAdapter {
  private final CloseableHttpClient client;
  private final URI target;

  private static final ConnectionConfig TIMEOUTS =
      ConnectionConfig.custom()
          .setConnectTimeout(Timeout.ofSeconds(5))
          .setSocketTimeout(Timeout.ofSeconds(10))
          .build();

  private ApacheClassicAdapter(URI target, HttpClientConnectionManager manager) {
    this.target = target;
    this.client = HttpClients.custom().setConnectionManager(manager).build();
  }

  /** On Apache's own pool. */
  static HttpClientAdapter open(URI target, int inFlight) {
    return new ApacheClassicAdapter(
        target,
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(inFlight)
            .setMaxConnTotal(inFlight)
            .setDefaultConnectionConfig(TIMEOUTS)
            .build());
  }

  /** On Mooring's connection manager: the one line a user changes. */
  static HttpClientAdapter openOnMooring(URI target, int inFlight) {
    return new ApacheClassicAdapter(
        target,
        MooringConnectionManager.builder()
            .poolSettings(
                PoolSettings.builder()
                    .maxConnectionsPerDestination(inFlight)
                    .maxConnectionsTotal(Math.max(inFlight, 512))
                    .build())
            .defaultConnectionConfig(TIMEOUTS)
            .build());
  }

  @Override
  public int get() throws IOException {
    return client.execute(
        new HttpGet(target),
        response -> {
          if (response.getEntity() != null) {
            response.getEntity().getContent().readAllBytes();
          }
          return response.getCode();
        });
  }

  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }
}
