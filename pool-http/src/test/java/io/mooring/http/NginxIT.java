package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.Race;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Against nginx (keepalive_timeout 1s, keepalive_requests 5): server-first close, the race. */
@EachIoMode
class NginxIT {
  @Parameter IoMode io;

  @TempDir Path dir;
  private Nginx nginx;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() throws Exception {
    nginx = Nginx.start(dir);
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
  }

  private double sum(String meter) {
    return registry.find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void nginxClosesEveryFifthRequestAndTheClientKeepsNoTimeWait() throws Exception {
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build()) {
      Semaphore inFlight = new Semaphore(16);
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        inFlight.acquire();
        CompletableFuture<HttpResponse<String>> f =
            client.sendAsync(
                HttpRequest.newBuilder(nginx.uri("/hello")).build(), BodyHandlers.ofString());
        f.whenComplete((r, e) -> inFlight.release());
        all.add(f);
      }
      for (CompletableFuture<HttpResponse<String>> f : all) {
        assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("hello");
      }
      System.out.printf(
          "nginx 5,000 GETs: %.0f connections opened, %.0f retries%n",
          sum("mooring.connections.opened"), sum("mooring.http.retries"));
      assertThat(sum("mooring.connections.opened")).isGreaterThanOrEqualTo(1_000);
      Thread.sleep(300);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
  }

  @Test
  void theKeepAliveRaceCostsNoRequestAndNoPostIsResent() throws Exception {
    // Learning the server's timeout would dodge the race; turn it off to meet the race head on.
    PoolSettings settings = PoolSettings.builder().learnServerIdleTimeout(false).build();
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder()
            .io(io)
            .poolSettings(settings)
            .meterRegistry(registry)
            .build()) {
      Race.Outcome o = Race.run(client, nginx::uri, 10, 30, 3, 1_000);
      System.out.printf(
          "nginx race: 300 GETs, %d failed, %.0f retries; %d POSTs, %d surfaced an IOException%n",
          o.getFailures(), sum("mooring.http.retries"), o.posts(), o.postIOExceptions());
      assertThat(o.other()).isEmpty();
      assertThat(o.getFailures()).isZero();
      Thread.sleep(100);
      List<String> log = nginx.accessLog();
      assertThat(
              o.postIds().stream()
                  .filter(id -> log.stream().filter(l -> l.equals("POST " + id)).count() > 1)
                  .collect(Collectors.toList()))
          .as("POSTs that reached nginx more than once")
          .isEmpty();
    }
  }
}
