package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The OkHttp API ({@link Call.Factory}, what Retrofit and many SDKs take) with {@code
 * Call.execute()}: OkHttp itself, or another factory plugged in. The body is read to the end and
 * the response closed, which returns the connection.
 */
final class OkHttpApiClient extends LibraryClient {
  private final Call.Factory calls;

  OkHttpApiClient(Call.Factory calls, AutoCloseable closer, List<String> settings) {
    super("the OkHttp API client", closer, settings);
    this.calls = calls;
  }

  /** OkHttp 4 on its default {@link ConnectionPool} size, with the idle eviction scaled down. */
  static Contender contender() {
    return new Contender(
        Contenders.OKHTTP,
        "OkHttp",
        setup -> {
          OkHttpClient client =
              new OkHttpClient.Builder()
                  .connectionPool(
                      new ConnectionPool(5, setup.idleEviction().toMillis(), TimeUnit.MILLISECONDS))
                  .connectTimeout(ClientSetup.CONNECT_TIMEOUT)
                  .readTimeout(ClientSetup.RESPONSE_TIMEOUT)
                  .build();
          return new OkHttpApiClient(
              client,
              () -> {
                // OkHttpClient's Javadoc: how to shut a client down.
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
              },
              List.of(
                  "new OkHttpClient.Builder(): ConnectionPool(5 idle (the default), keep-alive "
                      + setup.idleSeconds()
                      + " (default 5 min))",
                  "connect timeout 5 s, read timeout 10 s (the defaults are 10 s and 10 s);"
                      + " retryOnConnectionFailure left on (the default)",
                  "close: dispatcher().executorService().shutdown() and"
                      + " connectionPool().evictAll(), as OkHttpClient's Javadoc says"));
        });
  }

  @Override
  public int get(URI uri) throws IOException {
    Request request = new Request.Builder().url(uri.toString()).get().build();
    try (Response response = calls.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (body != null) {
        body.bytes();
      }
      return response.code();
    }
  }
}
