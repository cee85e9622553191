package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Any {@link HttpClient}: the JDK's own, or Mooring's, which extends it. */
final class HttpClientDemoClient implements DemoClient {
  private final String name;
  private final HttpClient client;
  private final AutoCloseable closer;

  HttpClientDemoClient(String name, HttpClient client, AutoCloseable closer) {
    this.name = name;
    this.client = client;
    this.closer = closer;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }

  @Override
  public void close() {
    if (closer != null) {
      try {
        closer.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + name + " failed", e);
      }
    }
  }
}
