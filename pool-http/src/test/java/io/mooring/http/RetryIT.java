package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.RawServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * The retry rule, made deterministic with a server that reads the second request on every
 * connection and closes without answering (the keep-alive race, frozen): a reused connection that
 * fails before any response byte is retried for idempotent, replayable requests only; a POST is
 * never sent twice; a fresh connection's failure is never retried.
 */
@EachIoMode
class RetryIT {
  @Parameter IoMode io;

  private RawServer server;
  private SimpleMeterRegistry registry;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new RawServer(
            (n, head) -> head.contains("/fresh-fail") || n > 0 ? null : RawServer.ok("ok"));
    registry = new SimpleMeterRegistry();
    client = MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private double retries() {
    return registry.find("mooring.http.retries").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private void warm() throws Exception {
    assertThat(
            client
                .send(HttpRequest.newBuilder(server.uri("/warm")).build(), BodyHandlers.ofString())
                .body())
        .isEqualTo("ok");
  }

  private long seen(String path) {
    return server.requests().stream().filter(h -> h.startsWith(path, h.indexOf(' ') + 1)).count();
  }

  @Test
  void idempotentGetOnAReusedConnectionIsRetriedOnce() throws Exception {
    warm();
    assertThat(
            client
                .send(HttpRequest.newBuilder(server.uri("/get")).build(), BodyHandlers.ofString())
                .body())
        .isEqualTo("ok");
    assertThat(retries()).isEqualTo(1.0);
    assertThat(seen("/get")).isEqualTo(2);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void putWithReplayableBodyIsRetried() throws Exception {
    warm();
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(server.uri("/put"))
                        .PUT(BodyPublishers.ofString("body"))
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("ok");
    assertThat(retries()).isEqualTo(1.0);
  }

  @Test
  void postWithNonReplayableBodyIsNeverResent() throws Exception {
    warm();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri("/post"))
                        .POST(
                            BodyPublishers.ofInputStream(
                                () ->
                                    new ByteArrayInputStream(
                                        "once".getBytes(StandardCharsets.UTF_8))))
                        .build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed by http://127.0.0.1:" + server.port());
    assertThat(seen("/post")).isEqualTo(1);
    assertThat(retries()).isZero();
  }

  @Test
  void postWithReplayableBodyIsStillNotResentOnceWritten() throws Exception {
    warm();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri("/post"))
                        .POST(BodyPublishers.ofString("x"))
                        .build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(seen("/post")).isEqualTo(1);
    assertThat(retries()).isZero();
  }

  @Test
  void failureOnAFreshConnectionIsNotRetried() {
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri("/fresh-fail")).build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("before any response byte");
    assertThat(seen("/fresh-fail")).isEqualTo(1);
    assertThat(retries()).isZero();
  }
}
