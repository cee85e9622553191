package io.mooring.benchmarks.http;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.http.MooringUrlStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;

/**
 * Plain {@code HttpURLConnection} code, as applications (and Spring's {@code
 * SimpleClientHttpRequestFactory}) write it: open, set timeouts, read the status and the whole
 * body, close the stream (no {@code disconnect()}, which would cost the JDK's connection its
 * reuse). The URL is the JDK's own, or one whose handler is {@link MooringUrlStreamHandler} on
 * Mooring's client ({@link JavaNetAdapter#newMooring}); the calling code is the same for both.
 *
 * <p>The JDK keeps at most {@code http.maxConnections} idle connections per destination, default 5,
 * read once per JVM; {@link HttpHarness} sets it to its highest in-flight level (unless given on
 * the command line), so the JDK's rows are not closing the extra connections client-first.
 */
final class UrlConnectionAdapter implements HttpClientAdapter {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final URL url;
  private final Closer closer;

  private UrlConnectionAdapter(URL url, Closer closer) {
    this.url = url;
    this.closer = closer;
  }

  /** The JDK's own {@code HttpURLConnection}; its idle connections close on their own timer. */
  static HttpClientAdapter jdk(URI target, int inFlight) throws IOException {
    return new UrlConnectionAdapter(target.toURL(), () -> {});
  }

  /** The drop-in on Mooring's client doing its I/O in mode {@code io}. */
  static HttpClientAdapter.Opener onMooring(IoMode io) {
    return (target, inFlight) -> {
      MooringHttpClient client = JavaNetAdapter.newMooring(inFlight, io);
      URL url = new URL(null, target.toString(), new MooringUrlStreamHandler(client));
      return new UrlConnectionAdapter(url, client::close);
    };
  }

  @Override
  public int get() throws IOException {
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    connection.setReadTimeout(READ_TIMEOUT_MILLIS);
    int status = connection.getResponseCode();
    try (InputStream body =
        status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      if (body != null) {
        body.readAllBytes();
      }
    }
    return status;
  }

  @Override
  public void close() throws IOException {
    closer.close();
  }
}
