package io.mooring.apache5;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Spring's {@link HttpComponentsClientHttpRequestFactory} over an Apache client built with {@link
 * MooringConnectionManager}, as a Spring application wires it: a {@link RestClient} against nginx
 * closing every fifth request's connection. Socket counts are read from the kernel's table.
 */
class SpringRequestFactoryNginxIT extends NginxHarness {
  /** Runs {@code total} GETs of /hello from {@code threads} threads; returns the failures. */
  private static List<Throwable> load(RestClient rest, int threads, int total) throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  while (next.getAndIncrement() < total) {
                    try {
                      assertThat(rest.get().uri("/hello").retrieve().body(String.class))
                          .isEqualTo("hello");
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return failures;
  }

  @Test
  void restClientOnTheManagerThroughNginxClosingEveryFifthLeavesNoTimeWaitOrCloseWait()
      throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(5).start(dir);
    try (CloseableHttpClient client =
        client(
            PoolSettings.builder()
                .maxConnectionsPerDestination(8)
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .build())) {
      RestClient rest =
          RestClient.builder()
              .requestFactory(new HttpComponentsClientHttpRequestFactory(client))
              .baseUrl(nginx.uri("/").toString())
              .build();
      List<Throwable> failures = load(rest, 8, 1_000);
      System.out.printf(
          "Spring RestClient on Mooring, nginx closing every 5th: 1,000 GETs, %d failed,"
              + " %.0f connections, %d client TIME_WAIT%n",
          failures.size(), opened(), SocketTable.clientTimeWait(nginx.port()));
      assertThat(failures).isEmpty();
      assertThat(opened()).as("nginx retired every connection").isGreaterThanOrEqualTo(200);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
      Await.until(
          "no client CLOSE_WAIT",
          WAIT,
          () -> SocketTable.clientCloseWait(nginx.port()) == 0,
          () -> SocketTable.clientCloseWait(nginx.port()) + " client CLOSE_WAIT");
    }
    Await.until(
        "every client socket toward nginx to be gone",
        WAIT,
        () -> SocketTable.clientSocketsAnyState(nginx.port()) == 0,
        () -> SocketTable.read().stream().filter(e -> e.remotePort() == nginx.port()).toList());
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }
}
