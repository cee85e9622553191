package io.mooring.benchmarks.http;

import io.mooring.http.MooringHttpClient;
import io.mooring.pool.PoolSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A {@link java.net.http.HttpClient}: the JDK's own or Mooring's (which extends it), so both run
 * the very same calling code. The request is immutable and built once; the body is read into a byte
 * array.
 */
final class JavaNetAdapter implements HttpClientAdapter {
  private final HttpClient client;
  private final HttpRequest request;

  private JavaNetAdapter(HttpClient client, URI target) {
    this.client = client;
    this.request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build();
  }

  /**
   * Mooring's client: pool defaults (peer-first close, LIFO reuse) with at most {@code inFlight}
   * connections to the destination.
   */
  static HttpClientAdapter mooring(URI target, int inFlight) {
    return new JavaNetAdapter(newMooring(inFlight), target);
  }

  /** Mooring's client of the harness (see {@link #mooring}); the caller closes it. */
  static MooringHttpClient newMooring(int inFlight) {
    return MooringHttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .poolSettings(
            PoolSettings.builder().name("harness").maxConnectionsPerDestination(inFlight).build())
        .build();
  }

  /**
   * The JDK client pinned to HTTP/1.1 (its default, HTTP/2, would offer an h2c upgrade on every new
   * cleartext connection); its pool is unbounded, so it keeps one connection per request in flight.
   */
  static HttpClientAdapter jdk(URI target, int inFlight) {
    return new JavaNetAdapter(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build(),
        target);
  }

  @Override
  public int get() throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }

  /**
   * Closes Mooring's client (peer-first). The JDK client has no {@code close()} before JDK 21: it
   * closes its connections when it becomes unreachable, which the harness then waits for.
   */
  @Override
  public void close() throws IOException {
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("closing " + client + " failed", e);
      }
    }
  }
}
