package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.http.testing.EachIoMode;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.GET;

/**
 * A Retrofit interface on {@link MooringCallFactory} against nginx (keep-alive timeout 1 s): the
 * connections are reused, the server closes first, the keep-alive race costs no request, and no
 * client TIME_WAIT is left, counted in the kernel's socket table; once per {@link IoMode}.
 */
@EachIoMode
class RetrofitNginxIT {
  @Parameter IoMode io;

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private Nginx nginx;

  /** What Retrofit users write. */
  interface Hello {
    @GET("hello")
    Call<String> hello();
  }

  @AfterEach
  void stop() throws IOException {
    threads.shutdownNow();
    if (nginx != null) {
      nginx.close();
    }
  }

  private Hello api(MooringHttpClient client) {
    return new Retrofit.Builder()
        .baseUrl(nginx.uri("/").toString())
        .callFactory(MooringCallFactory.create(client))
        .addConverterFactory(ScalarsConverterFactory.create())
        .build()
        .create(Hello.class);
  }

  private double opened() {
    return registry.find("mooring.connections.opened").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Runs {@code perThread} GETs on each of {@code n} threads; returns the failures. */
  private List<Throwable> load(Hello api, int n, int perThread) throws Exception {
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      done.add(
          threads.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  try {
                    Response<String> r = api.hello().execute();
                    if (!"hello".equals(r.body())) {
                      failures.add(new AssertionError("answered " + r.code() + " " + r.body()));
                    }
                  } catch (IOException | RuntimeException e) {
                    failures.add(e);
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    return failures;
  }

  @Test
  void threeThousandGetsFromEightThreadsReuseAboutEightConnections() throws Exception {
    nginx = Nginx.builder().keepaliveRequests(100_000).start(dir);
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build()) {
      assertThat(load(api(client), 8, 375)).isEmpty();
      long established = SocketTable.clientSockets(nginx.port(), SocketTable.ESTABLISHED);
      System.out.printf(
          "Retrofit on Mooring, nginx: 3,000 GETs from 8 threads opened %.0f connections;"
              + " %d established in the kernel's table%n",
          opened(), established);
      assertThat(opened()).isBetween(1.0, 8.0);
      assertThat(established).isBetween(1L, 8L);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }

  @Test
  void nginxClosingEveryFifthRequestCostsNoRequestAndNoTimeWait() throws Exception {
    nginx = Nginx.start(dir);
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build()) {
      assertThat(load(api(client), 8, 250)).isEmpty();
      System.out.printf(
          "Retrofit on Mooring, nginx closing every 5th: 2,000 GETs, %.0f connections%n", opened());
      assertThat(opened()).isGreaterThanOrEqualTo(400);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }

  @Test
  void theKeepAliveRaceCostsNoRequest() throws Exception {
    nginx = Nginx.builder().keepaliveRequests(100_000).start(dir);
    // Learning nginx's timeout would dodge the race; turn it off to meet the race head on.
    PoolSettings settings = PoolSettings.builder().learnServerIdleTimeout(false).build();
    AtomicInteger failed = new AtomicInteger();
    List<Throwable> failures = new ArrayList<>();
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder()
            .io(io)
            .poolSettings(settings)
            .meterRegistry(registry)
            .build()) {
      Hello api = api(client);
      for (int round = 0; round < 25; round++) {
        List<Throwable> f = load(api, 16, 1);
        failed.addAndGet(f.size());
        failures.addAll(f);
        // The next batch leaves as nginx's 1 s idle timeout expires: 980..1,040 ms of quiet.
        Thread.sleep(980 + (round * 7) % 61);
      }
      System.out.printf(
          "Retrofit on Mooring, keep-alive race: 400 GETs from 16 threads, %d failed,"
              + " %.0f connections%n",
          failed.get(), opened());
      assertThat(failures).isEmpty();
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }
}
