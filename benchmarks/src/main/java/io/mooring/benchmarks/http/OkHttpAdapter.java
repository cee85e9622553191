package io.mooring.benchmarks.http;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.okhttp.MooringCallFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OkHttp's {@code Call} API, {@code execute()} (blocking), on either call factory: OkHttp 4's own
 * client, its {@link ConnectionPool} keeping up to {@code inFlight} idle connections (the default,
 * 5, would close the extra ones client-first under load) and its {@link Dispatcher} allowing {@code
 * inFlight} per host; or {@link MooringCallFactory} on Mooring's client ({@link
 * JavaNetAdapter#newMooring}). The request is immutable and built once; the calling code is the
 * same for both.
 */
final class OkHttpAdapter implements HttpClientAdapter {
  private final Call.Factory factory;
  private final Request request;
  private final Closer closer;

  private OkHttpAdapter(Call.Factory factory, URI target, Closer closer) {
    this.factory = factory;
    this.request = new Request.Builder().url(target.toString()).get().build();
    this.closer = closer;
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

  /** On OkHttp's own client. */
  static HttpClientAdapter open(URI target, int inFlight) {
    OkHttpClient client = newClient(inFlight);
    return new OkHttpAdapter(client, target, () -> close(client));
  }

  /** On {@link MooringCallFactory} over Mooring's client doing its I/O in mode {@code io}. */
  static HttpClientAdapter.Opener onMooring(IoMode io) {
    return (target, inFlight) -> {
      MooringHttpClient client = JavaNetAdapter.newMooring(inFlight, io);
      return new OkHttpAdapter(MooringCallFactory.create(client), target, client::close);
    };
  }

  @Override
  public int get() throws IOException {
    try (Response response = factory.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (body != null) {
        body.bytes();
      }
      return response.code();
    }
  }

  @Override
  public void close() throws IOException {
    closer.close();
  }
}
