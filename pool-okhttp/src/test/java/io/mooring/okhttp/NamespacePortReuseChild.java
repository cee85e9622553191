package io.mooring.okhttp;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.testing.PortReuseChild;
import io.mooring.pool.testing.RetiringServer;
import okhttp3.OkHttpClient;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.GET;

/**
 * Runs inside {@link NamespacePortReuseIT}'s network namespace: a {@link RetiringServer} that
 * closes the connection after every {@code closeEvery}-th request (first argument), and a Retrofit
 * interface sending GETs to it on {@link MooringCallFactory} over a client in the {@link IoMode}
 * named by the second argument or, with {@code okhttp} as second argument, on OkHttp's own client
 * ({@link PortReuseChild} does the rest).
 */
public final class NamespacePortReuseChild {

  /** What Retrofit users write. */
  interface Hello {
    @GET("hello")
    Call<String> hello();
  }

  private NamespacePortReuseChild() {}

  public static void main(String[] args) throws Exception {
    int closeEvery = Integer.parseInt(args[0]);
    boolean okhttpsOwn = args[1].equals("okhttp");
    IoMode io = okhttpsOwn ? IoMode.EVENT_LOOP : IoMode.valueOf(args[1]);
    PortReuseChild.run(
        closeEvery,
        registry -> {
          MooringHttpClient client =
              MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build();
          Retrofit.Builder retrofit =
              new Retrofit.Builder()
                  .baseUrl("http://127.0.0.1:" + PortReuseChild.PORT + "/")
                  .addConverterFactory(ScalarsConverterFactory.create());
          if (okhttpsOwn) {
            retrofit.client(new OkHttpClient());
          } else {
            retrofit.callFactory(MooringCallFactory.create(client));
          }
          Hello api = retrofit.build().create(Hello.class);
          return new PortReuseChild.Client() {
            @Override
            public void getHello() throws Exception {
              Response<String> r = api.hello().execute();
              if (!"hello".equals(r.body())) {
                throw new IllegalStateException("answered " + r.code() + " " + r.body());
              }
            }

            @Override
            public void close() {
              client.close();
            }
          };
        });
  }
}
