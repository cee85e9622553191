package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic (blocking I/O) on any connection manager: its own pooling manager, or
 * another one plugged in. The response handler reads the body, which releases the connection;
 * {@link #close()} closes the client and its manager.
 */
final class ApacheClassicClient extends LibraryClient {
  private final CloseableHttpClient client;

  ApacheClassicClient(CloseableHttpClient client, List<String> settings) {
    super("Apache HttpClient", client, settings);
    this.client = client;
  }

  /** The connect and socket timeouts every Apache contender uses. */
  static ConnectionConfig connectionConfig() {
    return ConnectionConfig.custom()
        .setConnectTimeout(Timeout.of(ClientSetup.CONNECT_TIMEOUT))
        .setSocketTimeout(Timeout.of(ClientSetup.RESPONSE_TIMEOUT))
        .build();
  }

  /** Apache HttpClient 5 classic on its own {@code PoolingHttpClientConnectionManager}. */
  static Contender contender() {
    return new Contender(
        Contenders.APACHE,
        "Apache HttpClient 5",
        setup ->
            new ApacheClassicClient(
                HttpClients.custom()
                    .setConnectionManager(
                        PoolingHttpClientConnectionManagerBuilder.create()
                            .setMaxConnPerRoute(setup.maxInFlight())
                            .setMaxConnTotal(setup.maxInFlight())
                            .setDefaultConnectionConfig(connectionConfig())
                            .build())
                    .evictIdleConnections(TimeValue.ofMilliseconds(setup.idleEviction().toMillis()))
                    .build(),
                List.of(
                    "HttpClients.custom() on PoolingHttpClientConnectionManager: maxConnPerRoute"
                        + " and maxConnTotal "
                        + setup.maxInFlight()
                        + " (defaults 5 and 25; the documentation says to raise them for"
                        + " concurrent use)",
                    "evictIdleConnections(" + setup.idleSeconds() + ") (default: no eviction)",
                    "connect timeout 5 s, socket timeout 10 s; retries, reuse order and"
                        + " validateAfterInactivity left at their defaults",
                    "close()")));
  }

  @Override
  public int get(URI uri) throws IOException {
    return client.execute(
        new HttpGet(uri),
        response -> {
          if (response.getEntity() != null) {
            response.getEntity().getContent().readAllBytes();
          }
          return response.getCode();
        });
  }
}
