package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.Race;
import io.mooring.pool.PoolSettings;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * The keep-alive race against the JDK server, whose idle timeout the failsafe configuration sets to
 * 1 s ({@code sun.net.httpserver.idleInterval}, checked every 100 ms).
 */
@EachIoMode
class JdkServerRaceIT {
  @Parameter IoMode io;

  @Test
  void theKeepAliveRaceCostsNoRequestAndNoPostIsResent() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> posts = new CopyOnWriteArrayList<>();
    PoolSettings settings = PoolSettings.builder().learnServerIdleTimeout(false).build();
    try (JdkServer server = new JdkServer();
        MooringHttpClient client =
            MooringHttpClient.newBuilder()
                .io(io)
                .poolSettings(settings)
                .meterRegistry(registry)
                .build()) {
      server.handle(
          "/post",
          ex -> {
            try (InputStream in = ex.getRequestBody()) {
              in.readAllBytes();
            }
            posts.add(ex.getRequestHeaders().getFirst("X-Id"));
            JdkServer.respond(ex, 200, "posted");
          });
      Race.Outcome o = Race.run(client, server::uri, 10, 30, 3, 1_000);
      double retries =
          registry.find("mooring.http.retries").counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      System.out.printf(
          "JDK server race: 300 GETs, %d failed, %.0f retries; %d POSTs, %d surfaced an IOException%n",
          o.getFailures(), retries, o.posts(), o.postIOExceptions());
      assertThat(o.other()).isEmpty();
      assertThat(o.getFailures()).isZero();
      assertThat(
              posts.stream()
                  .collect(Collectors.groupingBy(id -> id, Collectors.counting()))
                  .entrySet()
                  .stream()
                  .filter(e -> e.getValue() > 1)
                  .collect(Collectors.toList()))
          .as("POSTs that reached the server more than once")
          .isEmpty();
      assertThat(posts.size() + o.postIOExceptions()).isGreaterThanOrEqualTo(o.posts());
    }
  }
}
