package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.testing.SocketTable;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieManager;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** The client against the JDK's com.sun.net.httpserver: API surface, keep-alive, reuse. */
@EachIoMode
class JdkServerIT {
  @Parameter IoMode io;

  private JdkServer server;
  private SimpleMeterRegistry registry;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server = new JdkServer();
    registry = new SimpleMeterRegistry();
    client = MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.uri(path)).build();
  }

  private double opened() {
    return registry.find("mooring.connections.opened").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void getsAStringAndReportsHttp11() throws Exception {
    HttpResponse<String> r = client.send(get("/hello"), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.headers().firstValue("content-length")).hasValue("5");
    assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(registry.get("http.client.requests").tag("outcome", "SUCCESS").timer().count())
        .isEqualTo(1);
  }

  @Test
  void everyBodyHandlerKind(@TempDir Path dir) throws Exception {
    assertThat(client.send(get("/hello"), BodyHandlers.ofByteArray()).body())
        .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    try (InputStream in = client.send(get("/hello"), BodyHandlers.ofInputStream()).body()) {
      assertThat(in.readAllBytes()).asString().isEqualTo("hello");
    }
    assertThat(
            client.send(get("/hello"), BodyHandlers.ofLines()).body().collect(Collectors.toList()))
        .containsExactly("hello");
    Path f = dir.resolve("body");
    assertThat(client.send(get("/hello"), BodyHandlers.ofFile(f)).body()).hasContent("hello");
    assertThat(client.send(get("/hello"), BodyHandlers.discarding()).body()).isNull();
    assertThat(client.send(get("/hello"), BodyHandlers.replacing("x")).body()).isEqualTo("x");
    assertThat(
            client.send(get("/hello"), BodyHandlers.buffering(BodyHandlers.ofString(), 2)).body())
        .isEqualTo("hello");
    List<byte[]> parts = Collections.synchronizedList(new ArrayList<>());
    client.send(get("/hello"), BodyHandlers.ofByteArrayConsumer(o -> o.ifPresent(parts::add)));
    assertThat(parts.stream().mapToInt(b -> b.length).sum()).isEqualTo(5);
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> pub =
        client.send(get("/hello"), BodyHandlers.ofPublisher());
    CompletableFuture<String> s = new CompletableFuture<>();
    HttpResponse.BodySubscriber<String> sub = BodySubscribers.ofString(StandardCharsets.UTF_8);
    pub.body().subscribe(sub);
    sub.getBody().thenAccept(s::complete);
    assertThat(s.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(
            client
                .send(get("/hello"), BodyHandlers.fromSubscriber(BodySubscribers.discarding()))
                .statusCode())
        .isEqualTo(200);
    // One connection, or two when the JDK server's coarse idle timer closed it early.
    assertThat(opened()).isBetween(1.0, 2.0);
  }

  @Test
  void everyBodyPublisherKind(@TempDir Path dir) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(server.uri("/echo"))
                .POST(BodyPublishers.ofString("abc"))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("abc");
    assertThat(r.headers().firstValue("x-content-length")).hasValue("3");
    r =
        client.send(
            HttpRequest.newBuilder(server.uri("/echo"))
                .PUT(
                    BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[100_000])))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.body()).hasSize(100_000);
    assertThat(r.headers().firstValue("x-method")).hasValue("PUT");
    assertThat(r.headers().firstValue("x-transfer-encoding")).hasValue("chunked");
    Path f = dir.resolve("in");
    Files.writeString(f, "from a file");
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(server.uri("/echo"))
                        .POST(BodyPublishers.ofFile(f))
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("from a file");
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(server.uri("/echo"))
                        .POST(
                            BodyPublishers.ofByteArray(
                                "xyzw".getBytes(StandardCharsets.UTF_8), 1, 2))
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("yz");
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(server.uri("/echo"))
                        .POST(
                            BodyPublishers.ofByteArrays(
                                List.of(
                                    "a".getBytes(StandardCharsets.UTF_8),
                                    "b".getBytes(StandardCharsets.UTF_8))))
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("ab");
    r =
        client.send(
            HttpRequest.newBuilder(server.uri("/echo")).POST(BodyPublishers.noBody()).build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("x-content-length")).hasValue("0");
    r =
        client.send(
            HttpRequest.newBuilder(server.uri("/echo"))
                .POST(
                    BodyPublishers.concat(
                        BodyPublishers.ofString("1"), BodyPublishers.ofString("2")))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("12");
    r =
        client.send(
            HttpRequest.newBuilder(server.uri("/echo"))
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofString("pub"), 3))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("pub");
    // One connection, or two when the JDK server's coarse idle timer closed it early.
    assertThat(opened()).isBetween(1.0, 2.0);
  }

  @Test
  void headAndStatusCodes() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(server.uri("/hello"))
                .method("HEAD", BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(client.send(get("/status/404"), BodyHandlers.ofString()).statusCode())
        .isEqualTo(404);
    assertThat(client.send(get("/status/503"), BodyHandlers.ofString()).body())
        .isEqualTo("status 503");
    assertThat(client.send(get("/hello"), BodyHandlers.ofString()).body()).isEqualTo("hello");
    assertThat(opened()).isEqualTo(1.0);
    assertThat(registry.get("http.client.requests").tag("outcome", "CLIENT_ERROR").timer().count())
        .isEqualTo(1);
  }

  @Test
  void tenThousandGetsAtSixteenInFlightOpenAHandfulOfConnections() throws Exception {
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      inFlight.acquire();
      CompletableFuture<HttpResponse<String>> f =
          client.sendAsync(get("/hello"), BodyHandlers.ofString());
      f.whenComplete((r, e) -> inFlight.release());
      all.add(f);
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("hello");
    }
    System.out.println("10,000 GETs at 16 in flight opened " + opened() + " connections");
    assertThat(opened()).isBetween(1.0, 20.0);
  }

  @Test
  void asyncDependentsRunOnTheExecutorEvenForHandlersFinishedOnTheEventLoop() throws Exception {
    // The response is held back until the dependent is registered, so it cannot run on this thread.
    AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    server.handle(
        "/gate",
        ex -> {
          try {
            gate.get().await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          JdkServer.respond(ex, 200, "opened");
        });
    ExecutorService userExecutor =
        Executors.newFixedThreadPool(2, r -> new Thread(r, "user-executor"));
    try (MooringHttpClient c =
        MooringHttpClient.newBuilder().io(io).executor(userExecutor).build()) {
      for (HttpResponse.BodyHandler<?> handler :
          List.of(BodyHandlers.ofString(), BodyHandlers.ofInputStream())) {
        CountDownLatch release = new CountDownLatch(1);
        gate.set(release);
        CompletableFuture<String> thread =
            c.sendAsync(get("/gate"), handler).thenApply(r -> Thread.currentThread().getName());
        release.countDown();
        assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("user-executor");
        // A blocking send on the same client, completed inline, still gets the whole body.
        assertThat(c.send(get("/hello"), BodyHandlers.ofString()).body()).isEqualTo("hello");
      }
    } finally {
      userExecutor.shutdownNow();
    }
  }

  @Test
  void connectionCloseFromServerIsPeerFirst() throws Exception {
    server.handle(
        "/close",
        ex -> {
          ex.getResponseHeaders().add("Connection", "close");
          JdkServer.respond(ex, 200, "bye");
        });
    for (int i = 0; i < 200; i++) {
      assertThat(client.send(get("/close"), BodyHandlers.ofString()).body()).isEqualTo("bye");
    }
    assertThat(opened()).isEqualTo(200.0);
    if (SocketTable.available()) {
      Thread.sleep(200);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.clientCloseWait(server.port())).isZero();
    }
  }

  @Test
  void requestTimeout() {
    server.handle(
        "/slow",
        ex -> {
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          JdkServer.respond(ex, 200, "late");
        });
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri("/slow"))
                        .timeout(Duration.ofMillis(200))
                        .build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void redirectsNeverByDefaultNormalOnRequestAndAuthorizationDroppedCrossHost() throws Exception {
    List<String> auth = Collections.synchronizedList(new ArrayList<>());
    server.handle(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "http://localhost:" + server.port() + "/seen");
          JdkServer.respond(ex, 302, "");
        });
    server.handle(
        "/seen",
        ex -> {
          auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          JdkServer.respond(ex, 200, "here");
        });
    HttpRequest req =
        HttpRequest.newBuilder(server.uri("/moved"))
            .header("Authorization", "Bearer secret")
            .build();
    assertThat(client.send(req, BodyHandlers.ofString()).statusCode()).isEqualTo(302);
    try (MooringHttpClient following =
        MooringHttpClient.newBuilder().io(io).followRedirects(HttpClient.Redirect.NORMAL).build()) {
      HttpResponse<String> r = following.send(req, BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("here");
      assertThat(r.previousResponse())
          .hasValueSatisfying(p -> assertThat(p.statusCode()).isEqualTo(302));
      assertThat(r.uri().getHost()).isEqualTo("localhost");
    }
    assertThat(auth).containsExactly("null");
  }

  @Test
  void basicAuthenticatorAndCookies() throws Exception {
    server.handle(
        "/secret",
        ex -> {
          String a = ex.getRequestHeaders().getFirst("Authorization");
          if (a == null) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
            JdkServer.respond(ex, 401, "who?");
          } else {
            ex.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
            JdkServer.respond(ex, 200, a);
          }
        });
    server.handle(
        "/cookie",
        ex ->
            JdkServer.respond(ex, 200, String.valueOf(ex.getRequestHeaders().getFirst("Cookie"))));
    try (MooringHttpClient c =
        MooringHttpClient.newBuilder()
            .io(io)
            .cookieHandler(new CookieManager())
            .authenticator(
                new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication("user", "pw".toCharArray());
                  }
                })
            .build()) {
      HttpResponse<String> r = c.send(get("/secret"), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("Basic dXNlcjpwdw==");
      assertThat(c.send(get("/cookie"), BodyHandlers.ofString()).body()).isEqualTo("session=abc");
    }
  }

  @Test
  void slowSubscriberStopsReadsOnItsConnection() throws Exception {
    AtomicLong written = new AtomicLong();
    server.handle(
        "/big",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[64 * 1024];
          try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < 1600; i++) {
              out.write(chunk);
              written.addAndGet(chunk.length);
            }
          } catch (java.io.IOException ignored) {
            // the client aborted
          }
        });
    HttpResponse<InputStream> r = client.send(get("/big"), BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertThat(in.read(new byte[1024])).isPositive();
      Thread.sleep(1_000);
      long w = written.get();
      System.out.println("server wrote " + w + " of 104857600 bytes to a subscriber that stopped");
      assertThat(w).isLessThan(30L * 1024 * 1024);
    }
  }

  @Test
  void unsupportedThingsFailClearly() {
    assertThatThrownBy(() -> MooringHttpClient.newBuilder().proxy(ProxySelector.getDefault()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("does not support proxies");
    assertThatThrownBy(() -> client.newWebSocketBuilder())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(MooringHttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)).isNotNull();
  }

  @Test
  void requestAskingForHttp2IsServedOnHttp11() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(server.uri("/hello").toString()))
                .version(HttpClient.Version.HTTP_2)
                .build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }
}
