package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.internal.CompletionExecutor;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.testing.Await;
import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the client's engine uses besides its connections: threads and descriptors. */
class EngineResourcesIT {

  /**
   * With one connection, a second request waits for the first's connection; when it is handed over,
   * the exchange starts without a task on the pool's shared completion threads.
   */
  @Test
  void aWaitingRequestIsHandedItsConnectionWithoutACompletionThread() throws Exception {
    ThreadPoolExecutor completion = (ThreadPoolExecutor) CompletionExecutor.INSTANCE;
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    PoolSettings one = PoolSettings.builder().maxConnectionsPerDestination(1).build();
    try (JdkServer server = new JdkServer();
        MooringHttpClient client = MooringHttpClient.newBuilder().poolSettings(one).build()) {
      server.handle(
          "/hold",
          ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            holding.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            JdkServer.respond(ex, 200, "held");
          });
      server.handle(
          "/next",
          ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            JdkServer.respond(ex, 200, "next");
          });
      CompletableFuture<HttpResponse<String>> first =
          client.sendAsync(
              HttpRequest.newBuilder(server.uri("/hold")).build(), BodyHandlers.ofString());
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      long tasksBefore = completion.getTaskCount();
      CompletableFuture<HttpResponse<String>> second =
          client.sendAsync(
              HttpRequest.newBuilder(server.uri("/next")).build(), BodyHandlers.ofString());
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("held");
      assertThat(second.get(10, TimeUnit.SECONDS).body()).isEqualTo("next");
      assertThat(clientPorts).as("both requests on the one connection").hasSize(1);
      assertThat(completion.getTaskCount()).isEqualTo(tasksBefore);
    }
  }

  /**
   * A client whose pool cannot be built (its explicit name is taken on the registry) closes the
   * transport it built first: its event loops' descriptors (epoll or selector, event and timer
   * descriptors) are released, so the process's open descriptors return to where they were.
   */
  @Test
  void aClientWhosePoolFailsToBuildLeavesNoTransportBehind() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PoolSettings named = PoolSettings.builder().name("engine-resources").build();
    NettySettings loops = NettySettings.builder().ioThreads(2).build();
    try (MooringHttpClient first =
        MooringHttpClient.newBuilder().poolSettings(named).meterRegistry(registry).build()) {
      assertThat(first.toString()).contains("engine-resources");
      MooringHttpClient.Builder duplicate =
          MooringHttpClient.newBuilder()
              .poolSettings(named)
              .nettySettings(loops)
              .meterRegistry(registry);
      assertThatThrownBy(duplicate::build).isInstanceOf(IllegalStateException.class); // warm-up
      long before = openDescriptors();
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(duplicate::build)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("engine-resources");
      }
      // Five leaked transports would hold at least two descriptors per event loop each.
      Await.until(
          "descriptors of the failed clients' transports closed",
          Duration.ofSeconds(10),
          () -> openDescriptors() <= before + 2,
          () -> openDescriptors() + " open, " + before + " before");
    }
  }

  private static long openDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }
}
