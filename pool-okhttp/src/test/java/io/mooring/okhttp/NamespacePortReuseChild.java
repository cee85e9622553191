package io.mooring.okhttp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.testing.RetiringServer;
import io.mooring.pool.testing.SocketTable;
import okhttp3.OkHttpClient;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.GET;

/**
 * Runs inside {@link NamespacePortReuseIT}'s network namespace: a {@link RetiringServer} on port
 * 5000 that closes the connection after every {@code closeEvery}-th request (first argument), and a
 * Retrofit interface sending 2,000 GETs to it on {@link MooringCallFactory} or, with {@code okhttp}
 * as second argument, on OkHttp's own client. Prints {@code KEY=value} lines for the test.
 */
public final class NamespacePortReuseChild {
  static final int PORT = 5000;
  static final int REQUESTS = 2_000;

  /** What Retrofit users write. */
  interface Hello {
    @GET("hello")
    Call<String> hello();
  }

  private NamespacePortReuseChild() {}

  public static void main(String[] args) throws Exception {
    int closeEvery = Integer.parseInt(args[0]);
    boolean okhttpsOwn = args.length > 1 && args[1].equals("okhttp");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int ok = 0;
    int failed = 0;
    String firstFailure = "";
    try (RetiringServer server = new RetiringServer(PORT, closeEvery);
        MooringHttpClient client = MooringHttpClient.newBuilder().meterRegistry(registry).build()) {
      Retrofit.Builder retrofit =
          new Retrofit.Builder()
              .baseUrl("http://127.0.0.1:" + PORT + "/")
              .addConverterFactory(ScalarsConverterFactory.create());
      if (okhttpsOwn) {
        retrofit.client(new OkHttpClient());
      } else {
        retrofit.callFactory(MooringCallFactory.create(client));
      }
      Hello api = retrofit.build().create(Hello.class);
      for (int i = 0; i < REQUESTS; i++) {
        try {
          Response<String> r = api.hello().execute();
          if (!"hello".equals(r.body())) {
            throw new IllegalStateException("answered " + r.code() + " " + r.body());
          }
          ok++;
        } catch (Exception e) {
          failed++;
          if (firstFailure.isEmpty()) {
            firstFailure = e.toString();
          }
        }
      }
      System.out.println(
          "CONNECTIONS="
              + Math.round(
                  registry.find("mooring.connections.opened").counters().stream()
                      .mapToDouble(c -> c.count())
                      .sum()));
      System.out.println("CLIENT_TIME_WAIT=" + SocketTable.clientTimeWait(PORT));
      System.out.println("SERVED=" + server.requests());
    }
    System.out.println("OK=" + ok);
    System.out.println("FAILED=" + failed);
    System.out.println("FIRST_FAILURE=" + firstFailure);
  }
}
