package io.mooring.apache5;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.time.Duration;
import java.util.List;
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
      List<Throwable> failures =
          load(
              8,
              1_000,
              () ->
                  assertThat(rest.get().uri("/hello").retrieve().body(String.class))
                      .isEqualTo("hello"));
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
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }
}
