package io.mooring.benchmarks.http;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.okhttp.MooringCallFactory;
import java.io.IOException;
import java.net.URI;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.http.GET;
import retrofit2.http.Url;

/**
 * A Retrofit interface, as applications declare one, on either call factory: OkHttp's own client
 * (configured as {@link OkHttpAdapter}'s) or {@link MooringCallFactory} on Mooring's client
 * (configured as {@link JavaNetAdapter#newMooring}, event loops, no call timeout, as OkHttp's
 * default). The calling code is the same for both: {@code execute()}, and Retrofit's built-in
 * converter reads the whole body.
 */
final class RetrofitAdapter implements HttpClientAdapter {
  /** The API: one GET of the harness's target. */
  interface Target {
    @GET
    retrofit2.Call<ResponseBody> get(@Url String url);
  }

  private final Target api;
  private final String url;
  private final Closer closer;

  private RetrofitAdapter(Call.Factory factory, URI target, Closer closer) {
    this.url = target.toString();
    this.api =
        new Retrofit.Builder()
            .baseUrl(target.resolve("/").toString())
            .callFactory(factory)
            .build()
            .create(Target.class);
    this.closer = closer;
  }

  /** Retrofit on Mooring's call factory. */
  static HttpClientAdapter onMooring(URI target, int inFlight) {
    MooringHttpClient client = JavaNetAdapter.newMooring(inFlight, IoMode.EVENT_LOOP);
    return new RetrofitAdapter(MooringCallFactory.create(client), target, client::close);
  }

  /** Retrofit on OkHttp's own client. */
  static HttpClientAdapter onOkHttp(URI target, int inFlight) {
    OkHttpClient client = OkHttpAdapter.newClient(inFlight);
    return new RetrofitAdapter(client, target, () -> OkHttpAdapter.close(client));
  }

  @Override
  public int get() throws IOException {
    Response<ResponseBody> response = api.get(url).execute();
    try (ResponseBody body = response.isSuccessful() ? response.body() : response.errorBody()) {
      if (body != null) {
        body.bytes();
      }
    }
    return response.code();
  }

  @Override
  public void close() throws IOException {
    closer.close();
  }
}
