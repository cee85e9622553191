package io.mooring.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OkHttp 4 with {@code Call.execute()} (blocking), its {@link ConnectionPool} keeping up to {@code
 * inFlight} idle connections (the default, 5, would close the extra ones client-first under load)
 * and its {@link Dispatcher} allowing {@code inFlight} per host. The request is immutable and built
 * once.
 */
final class OkHttpAdapter implements HttpClientAdapter {
  private final OkHttpClient client;
  private final Request request;

  private OkHttpAdapter(URI target, int inFlight) {
    this.client = newClient(inFlight);
    this.request = new Request.Builder().url(target.toString()).get().build();
  }

  /** The OkHttp client of the harness, sized for {@code inFlight}; {@link #close} closes it. */
  static OkHttpClient newClient(int inFlight) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(Math.max(64, inFlight));
    dispatcher.setMaxRequestsPerHost(inFlight);
    return new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(inFlight, 5, TimeUnit.MINUTES))
        .dispatcher(dispatcher)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** Closes an OkHttp client the way OkHttp offers: stop its threads, evict its connections. */
  static void close(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  static HttpClientAdapter open(URI target, int inFlight) {
    return new OkHttpAdapter(target, inFlight);
  }

  @Override
  public int get() throws IOException {
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (body != null) {
        body.bytes();
      }
      return response.code();
    }
  }

  @Override
  public void close() {
    close(client);
  }
}
