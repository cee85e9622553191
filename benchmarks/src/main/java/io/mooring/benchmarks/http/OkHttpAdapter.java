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
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(Math.max(64, inFlight));
    dispatcher.setMaxRequestsPerHost(inFlight);
    this.client =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(inFlight, 5, TimeUnit.MINUTES))
            .dispatcher(dispatcher)
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(10))
            .build();
    this.request = new Request.Builder().url(target.toString()).get().build();
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
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
