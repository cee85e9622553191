package io.mooring.benchmarks.http;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.PoolSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * A {@link java.net.http.HttpClient}: the JDK's own or Mooring's (which extends it), so both run
 * the very same calling code. The request is immutable and built once; the body is read into a byte
 * array. {@code send} by default; the {@code sendAsync} variant waits for the returned future on
 * the calling thread, so it runs in the same closed loop.
 */
final class JavaNetAdapter implements HttpClientAdapter {
  private final HttpClient client;
  private final HttpRequest request;
  private final boolean async;

  private JavaNetAdapter(HttpClient client, URI target, boolean async) {
    this.client = client;
    this.request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build();
    this.async = async;
  }

  /**
   * Mooring's client doing its I/O in mode {@code io}, blocking {@code send}: pool defaults
   * (peer-first close, LIFO reuse) with at most {@code inFlight} connections to the destination.
   */
  static HttpClientAdapter.Opener mooring(IoMode io) {
    return (target, inFlight) -> new JavaNetAdapter(newMooring(inFlight, io), target, false);
  }

  /** Mooring's client (event loops) through {@code sendAsync(...).get()}. */
  static HttpClientAdapter mooringAsync(URI target, int inFlight) {
    return new JavaNetAdapter(newMooring(inFlight, IoMode.EVENT_LOOP), target, true);
  }

  /**
   * Mooring's client of the harness, the one every Mooring row uses (directly, under the
   * HttpURLConnection drop-in or OkHttp's {@code Call} API): a 5 s connect timeout, at most {@code
   * inFlight} connections to the destination, I/O in mode {@code io}. The caller closes it.
   */
  static MooringHttpClient newMooring(int inFlight, IoMode io) {
    return MooringHttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .io(io)
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
        target,
        false);
  }

  @Override
  public int get() throws IOException, InterruptedException {
    if (!async) {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    }
    try {
      return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).get().statusCode();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      throw new IOException(cause);
    }
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
