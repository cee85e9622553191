package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FaultServer;
import io.mooring.http.testing.FaultServer.Answer;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server restarted on the same port while the pool holds idle connections to it: every stale
 * connection is noticed (the peer's FIN or RST on an idle connection) or, when a request races it,
 * retried under the rule, so no request issued after the new server listens fails, and no client
 * TIME_WAIT or CLOSE_WAIT is left.
 */
@EachIoMode
class RestartIT {
  @Parameter IoMode io;

  private static final int IDLE = 4;
  private static final int REQUESTS = 40;

  @ParameterizedTest(name = "reset={0}")
  @ValueSource(booleans = {false, true})
  void aRawServerRestartedUnderIdleConnectionsFailsNoLaterRequest(boolean reset) throws Exception {
    CountDownLatch together = new CountDownLatch(IDLE);
    try (FaultServer server =
            new FaultServer(
                (n, head) -> {
                  if (head.contains(" /warm ")) {
                    together.countDown();
                    await(together);
                  }
                  return Answer.ok("ok");
                });
        MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build()) {
      warm(client, server.uri("/warm"));
      assertThat(server.connections()).isEqualTo(IDLE);

      server.stop(reset);
      server.start();

      assertAllSucceed(client, HttpRequest.newBuilder(server.uri("/after")).build());
      assertNoClientLeftovers(server.port());
    }
  }

  @Test
  void aJdkServerRestartedOnTheSamePortFailsNoLaterRequest() throws Exception {
    JdkServer first = new JdkServer();
    int port = first.port();
    CountDownLatch together = new CountDownLatch(IDLE);
    first.handle(
        "/warm",
        ex -> {
          together.countDown();
          await(together);
          JdkServer.respond(ex, 200, "ok");
        });
    try (MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build()) {
      warm(client, first.uri("/warm"));
      first.close();
      try (JdkServer second = new JdkServer(port)) {
        assertAllSucceed(client, HttpRequest.newBuilder(second.uri("/hello")).build());
        assertNoClientLeftovers(port);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Leaves {@link #IDLE} idle connections: that many requests held until all arrived. */
  private static void warm(MooringHttpClient client, java.net.URI uri) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> warm = new ArrayList<>();
    for (int i = 0; i < IDLE; i++) {
      warm.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : warm) {
      assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  /** {@link #REQUESTS} requests, four at a time, issued after the new server listens: all 200. */
  private static void assertAllSucceed(MooringHttpClient client, HttpRequest request)
      throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i += 4) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int j = 0; j < 4; j++) {
        batch.add(client.sendAsync(request, BodyHandlers.ofString()));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
          .handle((r, e) -> null)
          .get(10, TimeUnit.SECONDS);
      all.addAll(batch);
    }
    List<String> failures = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      f.handle((r, e) -> e == null ? null : failures.add(e.toString())).join();
      if (!f.isCompletedExceptionally()) {
        assertThat(f.join().statusCode()).isEqualTo(200);
      }
    }
    assertThat(failures).as("failed requests after the restart").isEmpty();
  }

  private static void assertNoClientLeftovers(int port) {
    if (!SocketTable.available()) {
      return;
    }
    Await.until(
        "no client CLOSE_WAIT toward the restarted server",
        Duration.ofSeconds(5),
        () -> SocketTable.clientCloseWait(port) == 0,
        SocketTable::read);
    assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT").isZero();
  }
}
