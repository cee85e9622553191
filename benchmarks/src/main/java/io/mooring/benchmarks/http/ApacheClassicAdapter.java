package io.mooring.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic (blocking I/O) over a {@link PoolingHttpClientConnectionManager}
 * allowing {@code inFlight} connections per route. A request object is mutable, so each call builds
 * one; the body is read into a byte array by the response handler, which releases the connection.
 */
final class ApacheClassicAdapter implements HttpClientAdapter {
  private final CloseableHttpClient client;
  private final URI target;

  private ApacheClassicAdapter(URI target, int inFlight) {
    this.target = target;
    PoolingHttpClientConnectionManager manager =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(inFlight)
            .setMaxConnTotal(inFlight)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(5))
                    .setSocketTimeout(Timeout.ofSeconds(10))
                    .build())
            .build();
    this.client = HttpClients.custom().setConnectionManager(manager).build();
  }

  static HttpClientAdapter open(URI target, int inFlight) {
    return new ApacheClassicAdapter(target, inFlight);
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
