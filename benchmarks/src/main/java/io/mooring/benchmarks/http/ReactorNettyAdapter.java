package io.mooring.benchmarks.http;

import java.net.URI;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's {@link HttpClient} over a {@link ConnectionProvider} of {@code inFlight}
 * connections, driven blocking: each worker thread calls {@code .block()} on one request's {@code
 * Mono} (the same closed loop as the other clients, not a {@code flatMap} pipeline). The body is
 * aggregated into a byte array.
 */
final class ReactorNettyAdapter implements HttpClientAdapter {
  private final ConnectionProvider provider;
  private final HttpClient client;
  private final String target;

  private ReactorNettyAdapter(URI target, int inFlight) {
    this.target = target.toString();
    this.provider =
        ConnectionProvider.builder("harness")
            .maxConnections(inFlight)
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(Duration.ofSeconds(10))
            .build();
    this.client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(10));
  }

  static HttpClientAdapter open(URI target, int inFlight) {
    return new ReactorNettyAdapter(target, inFlight);
  }

  @Override
  public int get() {
    Integer status =
        client
            .get()
            .uri(target)
            .responseSingle(
                (response, body) ->
                    body.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(bytes -> response.status().code()))
            .block(Duration.ofSeconds(15));
    return status == null ? -1 : status;
  }

  @Override
  public void close() {
    provider.disposeLater().block(Duration.ofSeconds(10));
  }
}
