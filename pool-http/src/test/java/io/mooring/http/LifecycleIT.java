package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.SocketTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Retirement by the pool asks the server to close; connect timeouts surface as the JDK's. */
@EachIoMode
class LifecycleIT {
  @Parameter IoMode io;

  @Test
  void lastRequestOfAConnectionCarriesConnectionCloseSoTheServerClosesFirst() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger closes = new AtomicInteger();
    PoolSettings settings = PoolSettings.builder().maxRequestsPerConnection(3).build();
    try (JdkServer server = new JdkServer();
        MooringHttpClient client =
            MooringHttpClient.newBuilder()
                .io(io)
                .poolSettings(settings)
                .meterRegistry(registry)
                .build()) {
      server.handle(
          "/count",
          ex -> {
            if ("close".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Connection"))) {
              closes.incrementAndGet();
            }
            JdkServer.respond(ex, 200, "ok");
          });
      for (int i = 0; i < 300; i++) {
        assertThat(
                client
                    .send(
                        HttpRequest.newBuilder(server.uri("/count")).build(),
                        BodyHandlers.ofString())
                    .body())
            .isEqualTo("ok");
      }
      double opened =
          registry.find("mooring.connections.opened").counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      assertThat(closes.get()).isEqualTo(100);
      assertThat(opened).isEqualTo(100.0);
      Thread.sleep(200);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.clientCloseWait(server.port())).isZero();
    }
  }

  @Test
  void connectTimeoutIsHttpConnectTimeoutException() throws Exception {
    // A listener that never accepts, its accept queue full: Linux drops further SYNs.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket();
          s.setSoLinger(true, 0);
          try {
            s.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
            fillers.add(s);
          } catch (java.io.IOException e) {
            s.close();
            break;
          }
        }
        assumeTrue(
            fillers.size() < 4, "the kernel kept accepting; cannot provoke a connect timeout here");
        try (MooringHttpClient client =
            MooringHttpClient.newBuilder().io(io).connectTimeout(Duration.ofMillis(300)).build()) {
          assertThatThrownBy(
                  () ->
                      client.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + full.getLocalPort() + "/"))
                              .build(),
                          BodyHandlers.ofString()))
              .isInstanceOf(HttpConnectTimeoutException.class)
              .hasMessageContaining(
                  "connect to http://127.0.0.1:" + full.getLocalPort() + " timed out");
        }
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }
}
