package io.mooring.benchmarks.demo;

import io.mooring.http.MooringHttpClient;
import io.mooring.okhttp.MooringCallFactory;
import java.util.List;

/**
 * OkHttp's {@code Call} API, what Retrofit calls, on Mooring's call factory (module pool-okhttp):
 * the same requests as the OkHttp contender, through the same API, on Mooring's pool.
 */
final class OkHttpOnMooring {
  private OkHttpOnMooring() {}

  /** {@link MooringCallFactory#create} on Mooring's default pool, as Retrofit users plug it in. */
  static Contender contender() {
    return new Contender(
        Contenders.OKHTTP_MOORING,
        "OkHttp API on Mooring",
        setup -> {
          MooringHttpClient client = setup.mooringClient();
          return new OkHttpApiClient(
              MooringCallFactory.create(client),
              client,
              List.of(
                  "MooringCallFactory.create(client): no call timeout (OkHttp's default)",
                  JavaNetHttpClient.mooringSettings(setup),
                  setup.mooringIdleSetting(),
                  "close(): the MooringHttpClient's (the factory does not own it)"));
        });
  }
}
