package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.FaultServer;
import io.mooring.http.testing.FaultServer.Answer;
import io.mooring.http.testing.IoModes;
import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.Race;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * {@link IoMode#CALLER_THREAD} itself: a blocking {@code send} does its socket I/O on the calling
 * thread and starts no event loop, {@code sendAsync} does it on the client's executor. And what the
 * event loops give, held in both modes over real sockets: an idle connection's FIN is answered at
 * once (no CLOSE_WAIT), nginx closing every fifth request costs none of a thousand blocking GETs
 * and leaves no client TIME_WAIT, the keep-alive race with the pool's idle time equal to the
 * server's costs no request, many asynchronous requests in flight all complete, and {@code
 * shutdownNow} aborts a blocking send in flight (RST: no client TIME_WAIT).
 */
class CallerThreadIT {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** A request being sent on its own thread, so the test can look at that thread meanwhile. */
  private record Sending(Thread thread, CompletableFuture<HttpResponse<String>> response) {}

  private static Sending startSending(MooringHttpClient client, URI uri) {
    CompletableFuture<HttpResponse<String>> response = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                response.complete(
                    client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()));
              } catch (Exception | Error e) {
                response.completeExceptionally(e);
              }
            },
            "blocking-sender");
    thread.start();
    return new Sending(thread, response);
  }

  private static MooringHttpClient.Builder client(IoMode io) {
    return MooringHttpClient.newBuilder().io(io);
  }

  /** Whether {@code t} is inside the JDK's socket implementation (a read, a poll, a write). */
  private static boolean inSocketIo(Thread t) {
    return Arrays.stream(t.getStackTrace())
        .anyMatch(f -> f.getClassName().startsWith("sun.nio.ch."));
  }

  private static String stack(Thread t) {
    return t.getName()
        + Arrays.stream(t.getStackTrace()).map(f -> "\n\tat " + f).collect(Collectors.joining());
  }

  private static Set<Long> liveThreadIds() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getId)
        .collect(Collectors.toSet());
  }

  /**
   * Names of the client's threads ({@code mooring-*}) alive now that were not in {@code before}.
   */
  private static List<String> newClientThreads(Set<Long> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t.getId()) && t.getName().startsWith("mooring-"))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * (a) While the server holds the response, the sending thread itself is in a socket read (with
   * event loops it waits on a future instead); a thousand more sends start no event-loop thread and
   * at most one other client thread (the selector watching idle connections).
   */
  @Test
  void aBlockingSendDoesItsSocketIoOnTheCallingThreadAndStartsNoEventLoop() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Long> before = liveThreadIds();
    try (RawServer server =
            new RawServer(
                (n, head) -> {
                  if (head.startsWith("GET /held ")) {
                    await(release);
                  }
                  return RawServer.ok("fine");
                });
        MooringHttpClient client = client(IoMode.CALLER_THREAD).build()) {
      Sending held = startSending(client, server.uri("/held"));
      Await.until("the server to have the request", WAIT, () -> !server.requests().isEmpty());
      Await.until(
          "the sending thread to do the socket I/O itself",
          WAIT,
          () -> inSocketIo(held.thread()),
          () -> stack(held.thread()));
      release.countDown();
      assertThat(held.response().get(5, TimeUnit.SECONDS).body()).isEqualTo("fine");

      HttpRequest get = HttpRequest.newBuilder(server.uri("/again")).build();
      for (int i = 0; i < 1_000; i++) {
        assertThat(client.send(get, BodyHandlers.ofString()).body()).isEqualTo("fine");
      }
      List<String> started = newClientThreads(before);
      System.out.println("caller-thread client, 1,001 blocking sends, threads started: " + started);
      assertThat(started)
          .as("client threads started by 1,001 blocking sends")
          .noneMatch(name -> name.startsWith("mooring-nio") || name.startsWith("mooring-epoll"))
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  /** (b) A server's FIN on an idle connection is answered within 200 ms: no client CLOSE_WAIT. */
  @ParameterizedTest
  @ArgumentsSource(IoModes.class)
  void anIdleConnectionsFinIsAnsweredWithin200Milliseconds(IoMode io) throws Exception {
    try (FaultServer server = new FaultServer((n, head) -> Answer.ok("fine"));
        MooringHttpClient client = client(io).build()) {
      int port = server.port();
      for (int round = 0; round < 5; round++) {
        HttpRequest get = HttpRequest.newBuilder(server.uri("/idle-" + round)).build();
        assertThat(client.send(get, BodyHandlers.ofString()).body()).isEqualTo("fine");
        Await.until(
            "the idle connection ESTABLISHED",
            WAIT,
            () -> SocketTable.clientSockets(port, SocketTable.ESTABLISHED) == 1,
            SocketTable::read);

        server.stop(false); // FIN on the idle connection

        Duration answered =
            Await.until(
                "the client to close its half of the connection the server closed",
                Duration.ofMillis(200),
                () ->
                    SocketTable.clientCloseWait(port) == 0
                        && SocketTable.clientSockets(port, SocketTable.ESTABLISHED) == 0,
                SocketTable::read);
        System.out.printf("[%s] idle connection's FIN answered in %s%n", io, answered);
        server.start();
      }
      assertThat(server.connections()).as("one connection per round").isEqualTo(5);
      assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT").isZero();
    }
  }

  /**
   * (c) nginx ({@code keepalive_requests 5}) closes every fifth request's connection: 1,000
   * blocking GETs from 8 threads, none fails, and no client TIME_WAIT or CLOSE_WAIT is left.
   */
  @ParameterizedTest
  @ArgumentsSource(IoModes.class)
  void nginxClosingEveryFifthRequestCostsNoneOfAThousandBlockingGets(IoMode io, @TempDir Path dir)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    AtomicInteger ok = new AtomicInteger();
    int port;
    try (Nginx nginx = Nginx.start(dir);
        MooringHttpClient client = client(io).meterRegistry(registry).build()) {
      port = nginx.port();
      HttpRequest get = HttpRequest.newBuilder(nginx.uri("/hello")).build();
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Callable<Void>> senders = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          senders.add(
              () -> {
                for (int i = 0; i < 125; i++) {
                  try {
                    String body = client.send(get, BodyHandlers.ofString()).body();
                    if ("hello".equals(body)) {
                      ok.incrementAndGet();
                    } else {
                      failures.merge("body " + body, 1, Integer::sum);
                    }
                  } catch (IOException e) {
                    failures.merge(e.toString(), 1, Integer::sum);
                  }
                }
                return null;
              });
        }
        for (Future<Void> f : threads.invokeAll(senders, 60, TimeUnit.SECONDS)) {
          f.get();
        }
      } finally {
        threads.shutdownNow();
      }
      double opened =
          registry.find("mooring.connections.opened").counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      System.out.printf(
          "[%s] nginx, 1,000 blocking GETs from 8 threads: %d ok, failures %s, %.0f connections%n",
          io, ok.get(), failures, opened);
      assertThat(failures).as("failed GETs").isEmpty();
      assertThat(ok.get()).isEqualTo(1_000);
      assertThat(opened).as("nginx closed every fifth request's connection").isGreaterThan(150);
      assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT").isZero();
    }
    assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT after close").isZero();
    assertThat(SocketTable.clientCloseWait(port)).as("client CLOSE_WAIT after close").isZero();
  }

  /**
   * (d) The keep-alive race with the pool's idle time equal to nginx's {@code keepalive_timeout} (1
   * s, learning off): each round's requests go out as both sides expire the connections; no GET
   * fails and nothing but an IOException reaches a POST.
   */
  @ParameterizedTest
  @ArgumentsSource(IoModes.class)
  void theKeepAliveRaceAtThePoolsOwnIdleTimeCostsNoRequest(IoMode io, @TempDir Path dir)
      throws Exception {
    PoolSettings settings =
        PoolSettings.builder()
            .maxIdleTime(Duration.ofSeconds(1))
            .learnServerIdleTimeout(false)
            .build();
    try (Nginx nginx = Nginx.start(dir);
        MooringHttpClient client = client(io).poolSettings(settings).build()) {
      Race.Outcome o = Race.run(client, nginx::uri, 10, 30, 3, 1_000);
      System.out.printf(
          "[%s] race at the pool's idle time: 300 GETs, %d failed; %d POSTs, %d IOExceptions%n",
          io, o.getFailures(), o.posts(), o.postIOExceptions());
      assertThat(o.other()).isEmpty();
      assertThat(o.getFailures()).isZero();
    }
  }

  /**
   * (e) {@code sendAsync} on a caller-thread client does each exchange on an executor thread: with
   * 32 requests held by the server, 32 of the executor's threads are in socket I/O; then all 32
   * complete.
   */
  @Test
  void sendAsyncDoesItsSocketIoOnTheExecutor() throws Exception {
    int n = 32; // the pool's default connections per destination, and the JDK server's threads
    CountDownLatch arrived = new CountDownLatch(n);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService executor = Executors.newCachedThreadPool(r -> new Thread(r, "user-executor"));
    try (JdkServer server = new JdkServer();
        MooringHttpClient client = client(IoMode.CALLER_THREAD).executor(executor).build()) {
      server.handle(
          "/held",
          ex -> {
            arrived.countDown();
            await(release);
            JdkServer.respond(ex, 200, "released");
          });
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(
            client.sendAsync(
                HttpRequest.newBuilder(server.uri("/held")).build(), BodyHandlers.ofString()));
      }
      assertThat(arrived.await(10, TimeUnit.SECONDS))
          .as("all %d requests at the server", n)
          .isTrue();
      Await.until(
          n + " executor threads in socket I/O",
          WAIT,
          () -> executorThreadsInSocketIo() == n,
          () -> executorThreadsInSocketIo() + " in socket I/O");
      release.countDown();
      for (CompletableFuture<HttpResponse<String>> f : all) {
        assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  private static long executorThreadsInSocketIo() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("user-executor") && inSocketIo(t))
        .count();
  }

  /** (e) 500 asynchronous requests issued at once, far more than connections: all complete. */
  @ParameterizedTest
  @ArgumentsSource(IoModes.class)
  void manyAsyncRequestsInFlightAllComplete(IoMode io) throws Exception {
    try (JdkServer server = new JdkServer();
        MooringHttpClient client = client(io).build()) {
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        all.add(
            client.sendAsync(
                HttpRequest.newBuilder(server.uri("/hello")).build(), BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : all) {
        assertThat(f.get(30, TimeUnit.SECONDS).body()).isEqualTo("hello");
      }
      assertThat(client.stats(server.uri("/")).total()).isBetween(1, 32);
    }
  }

  /**
   * (f) {@code shutdownNow} aborts a blocking send in flight: the caller gets an IOException naming
   * the request, and the connection ends with RST (nothing ESTABLISHED, no client TIME_WAIT).
   */
  @ParameterizedTest
  @ArgumentsSource(IoModes.class)
  void shutdownNowAbortsABlockingSendInFlightWithoutTimeWait(IoMode io) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (RawServer server =
            new RawServer(
                (n, head) -> {
                  await(never);
                  return null;
                });
        MooringHttpClient client = client(io).build()) {
      Sending stalled = startSending(client, server.uri("/stall"));
      Await.until("the server to have the request", WAIT, () -> !server.requests().isEmpty());

      client.shutdownNow();

      assertThatThrownBy(() -> stalled.response().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessageContaining("shut down now")
          .hasMessageContaining("/stall");
      assertThat(client.awaitTermination(Duration.ofSeconds(20))).isTrue();
      Await.until(
          "no client connection ESTABLISHED",
          WAIT,
          () -> SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED) == 0,
          SocketTable::read);
      assertThat(SocketTable.clientTimeWait(server.port())).as("aborted with RST").isZero();
      never.countDown();
    }
  }
}
