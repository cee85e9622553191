package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.JdkServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

/** The http.client.requests timer, its tags, and the pool's meters in the same registry. */
class MetricsIT {
  @Test
  void requestTimerFollowsMicrometersConventionAndPoolMetersAreThere() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (JdkServer server = new JdkServer();
        MooringHttpClient client =
            MooringHttpClient.newBuilder()
                .meterRegistry(registry)
                .uriTag(
                    r -> r.uri().getPath().startsWith("/status/") ? "/status/{code}" : "UNKNOWN")
                .build()) {
      client.send(HttpRequest.newBuilder(server.uri("/hello")).build(), BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(server.uri("/status/404")).build(), BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(server.uri("/status/503")).build(), BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(server.uri("/status/302")).build(), BodyHandlers.ofString());
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).build(),
                      BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);

      Timer ok =
          registry
              .get("http.client.requests")
              .tags(
                  "method",
                  "GET",
                  "status",
                  "200",
                  "outcome",
                  "SUCCESS",
                  "uri",
                  "UNKNOWN",
                  "exception",
                  "none")
              .timer();
      assertThat(ok.count()).isEqualTo(1);
      assertThat(
              registry
                  .get("http.client.requests")
                  .tags("status", "404", "outcome", "CLIENT_ERROR", "uri", "/status/{code}")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("http.client.requests")
                  .tags("status", "503", "outcome", "SERVER_ERROR")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("http.client.requests")
                  .tags("status", "302", "outcome", "REDIRECTION")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("http.client.requests")
                  .tags("status", "IO_ERROR", "outcome", "UNKNOWN")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("http.client.requests").tag("client.name", "127.0.0.1").timers())
          .isNotEmpty();
      assertThat(registry.find("mooring.connections.opened").counters()).isNotEmpty();
      assertThat(registry.find("mooring.connections").gauges()).isNotEmpty();
    }
  }

  @Test
  void requestTimerCanBeTurnedOffWhilePoolMetersStay() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (JdkServer server = new JdkServer();
        MooringHttpClient client =
            MooringHttpClient.newBuilder().meterRegistry(registry).requestMetrics(false).build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(
                client
                    .send(
                        HttpRequest.newBuilder(server.uri("/hello")).build(),
                        BodyHandlers.ofString())
                    .body())
            .isEqualTo("hello");
      }
      assertThat(registry.find("http.client.requests").meters()).isEmpty();
      assertThat(registry.get("mooring.acquire").timers().stream().mapToLong(Timer::count).sum())
          .isEqualTo(3);
    }
  }
}
