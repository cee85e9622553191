package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.pool.testing.SocketTable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Against embedded Jetty 12: keep-alive reuse, echo, Connection: close peer-first. */
@EachIoMode
class JettyIT {
  @Parameter IoMode io;

  private Server server;
  private ServerConnector connector;
  private SimpleMeterRegistry registry;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(1_000);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String path = Request.getPathInContext(request);
            if (path.equals("/echo")) {
              String body = Content.Source.asString(request, StandardCharsets.UTF_8);
              response.write(
                  true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            } else if (path.equals("/close")) {
              response.getHeaders().put("Connection", "close");
              response.write(
                  true, ByteBuffer.wrap("bye".getBytes(StandardCharsets.UTF_8)), callback);
            } else {
              response.write(
                  true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), callback);
            }
            return true;
          }
        });
    server.start();
    registry = new SimpleMeterRegistry();
    client = MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.stop();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
  }

  private double opened() {
    return registry.find("mooring.connections.opened").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void reuseEchoAndPeerFirstClose() throws Exception {
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      inFlight.acquire();
      CompletableFuture<HttpResponse<String>> f =
          client.sendAsync(HttpRequest.newBuilder(uri("/hello")).build(), BodyHandlers.ofString());
      f.whenComplete((r, e) -> inFlight.release());
      all.add(f);
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("hello");
    }
    assertThat(opened()).isBetween(1.0, 20.0);
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(uri("/echo"))
                        .POST(BodyPublishers.ofString("jetty"))
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("jetty");
    for (int i = 0; i < 100; i++) {
      assertThat(
              client
                  .send(HttpRequest.newBuilder(uri("/close")).build(), BodyHandlers.ofString())
                  .body())
          .isEqualTo("bye");
    }
    Thread.sleep(200);
    assertThat(SocketTable.clientTimeWait(connector.getLocalPort())).isZero();
    client.close();
    Thread.sleep(100);
    assertThat(SocketTable.clientTimeWait(connector.getLocalPort())).isZero();
    assertThat(SocketTable.clientCloseWait(connector.getLocalPort())).isZero();
  }
}
