package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.Eventually;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.SocketTable;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Whatever the executor or the caller's code does, a request ends: an executor that starts
 * rejecting (at the request body, at the response head, at the response body) and a body subscriber
 * that throws each fail the caller's future, the connection is aborted (the kernel shows nothing
 * left ESTABLISHED and no client TIME_WAIT), and the next request works.
 */
@EachIoMode
class UserCodeFailureIT {
  @Parameter IoMode io;

  /** More than a connection can take without reads, so it cannot end by itself. */
  private static final String BIG = "b".repeat(4 * 1024 * 1024);

  private final AtomicBoolean rejecting = new AtomicBoolean();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Executor executor =
      r -> {
        if (rejecting.get()) {
          throw new RejectedExecutionException("executor is full");
        }
        threads.execute(r);
      };
  private RawServer server;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server = new RawServer((n, head) -> RawServer.ok(head.contains("/big") ? BIG : "small"));
    client = MooringHttpClient.newBuilder().io(io).executor(executor).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    threads.shutdownNow();
  }

  @Test
  void rejectionWhenTheRequestBodyWouldBeSent() throws Exception {
    HttpRequest post =
        HttpRequest.newBuilder(server.uri("/big"))
            .POST(
                BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream("data".getBytes(StandardCharsets.US_ASCII))))
            .build();
    rejecting.set(true);
    assertFailsAndLeavesNothing(client.sendAsync(post, BodyHandlers.ofString()), "executor");
  }

  @Test
  void rejectionWhenTheResponseHeadArrives() throws Exception {
    rejecting.set(true);
    assertFailsAndLeavesNothing(
        client.sendAsync(get("/big"), BodyHandlers.ofInputStream()), "executor");
  }

  @Test
  void rejectionWhenTheResponseBodyWouldBeDelivered() throws Exception {
    BodyHandler<String> startsRejecting =
        info -> {
          rejecting.set(true);
          return BodySubscribers.ofString(StandardCharsets.UTF_8);
        };
    if (io == IoMode.CALLER_THREAD) {
      // One executor thread runs the exchange from start to end and feeds the body itself: a
      // rejection that starts once the exchange runs is never asked for, and the body is whole.
      assertThat(client.sendAsync(get("/big"), startsRejecting).get(10, TimeUnit.SECONDS).body())
          .isEqualTo(BIG);
      Eventually.holds(
          "the connection back in the pool",
          Duration.ofSeconds(5),
          () -> client.stats(server.uri("/big")).idle() == 1);
      // and the kernel agrees: the one connection is open, none was closed client-first
      assertThat(SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED)).isEqualTo(1);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      return;
    }
    assertFailsAndLeavesNothing(client.sendAsync(get("/big"), startsRejecting), "executor");
  }

  @Test
  void aBodySubscriberThatThrows() throws Exception {
    BodyHandler<String> throwing = info -> new Throwing();
    assertFailsAndLeavesNothing(client.sendAsync(get("/big"), throwing), "subscriber bug");
    assertThatThrownBy(() -> client.send(get("/big"), throwing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("subscriber bug");
  }

  private void assertFailsAndLeavesNothing(
      CompletableFuture<? extends HttpResponse<?>> f, String message) throws Exception {
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining(message);
    Eventually.holds(
        "no client connection ESTABLISHED to the server",
        Duration.ofSeconds(5),
        () -> SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED) == 0);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    rejecting.set(false);
    assertThat(client.send(get("/small"), BodyHandlers.ofString()).body()).isEqualTo("small");
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.uri(path)).build();
  }

  /** Takes a buffer, then throws from onNext. */
  private static final class Throwing implements BodySubscriber<String> {
    private final CompletableFuture<String> body = new CompletableFuture<>();

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      throw new IllegalStateException("subscriber bug");
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete("never");
    }
  }
}
