package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.Eventually;
import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Java 21's {@code HttpClient} lifecycle on Mooring: {@code shutdown()} lets requests in flight
 * finish and refuses new ones, {@code shutdownNow()} aborts them, {@code awaitTermination} waits
 * for the end, and the connections end without a client TIME_WAIT or anything left ESTABLISHED. On
 * Java 21+ the methods are called through the JDK's {@link HttpClient} type, which shows they
 * override it; on 17 they are Mooring's own.
 */
@EachIoMode
class ShutdownIT {
  @Parameter IoMode io;

  /** Calls a lifecycle method through {@link HttpClient} where it exists (Java 21+). */
  private static Object call(MooringHttpClient client, String name, Object... args)
      throws Exception {
    Class<?>[] types = new Class<?>[args.length];
    for (int i = 0; i < args.length; i++) {
      types[i] = args[i].getClass();
    }
    Class<?> type = Runtime.version().feature() >= 21 ? HttpClient.class : MooringHttpClient.class;
    Method m = type.getMethod(name, types);
    try {
      return m.invoke(client, args);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  private static boolean awaitTermination(MooringHttpClient client, Duration d) throws Exception {
    return (Boolean) call(client, "awaitTermination", d);
  }

  @Test
  void shutdownLetsTheRequestInFlightFinishRefusesNewOnesAndClosesPeerFirst() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (JdkServer server = new JdkServer();
        MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build()) {
      server.handle("/fast", ex -> JdkServer.respond(ex, 200, "fast"));
      server.handle(
          "/slow",
          ex -> {
            arrived.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            JdkServer.respond(ex, 200, "slow but fine");
          });
      // a second, idle connection, so the shutdown has one to retire
      assertThat(client.send(get(server.uri("/fast")), BodyHandlers.ofString()).body())
          .isEqualTo("fast");
      CompletableFuture<HttpResponse<String>> inFlight =
          client.sendAsync(get(server.uri("/slow")), BodyHandlers.ofString());
      assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();

      call(client, "shutdown");
      assertThat(call(client, "isTerminated")).isEqualTo(false);
      assertThat(awaitTermination(client, Duration.ofMillis(50))).isFalse();
      assertThatThrownBy(() -> client.send(get(server.uri("/fast")), BodyHandlers.ofString()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("shut down");

      release.countDown();
      assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("slow but fine");
      assertThat(awaitTermination(client, Duration.ofSeconds(20))).isTrue();
      assertThat(call(client, "isTerminated")).isEqualTo(true);
      assertThat(SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED)).isZero();
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.clientCloseWait(server.port())).isZero();
    }
  }

  @Test
  void shutdownNowAbortsTheRequestInFlightWithoutTimeWait() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (RawServer server =
            new RawServer(
                (n, head) -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return null;
                });
        MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build()) {
      CompletableFuture<HttpResponse<String>> stalled =
          client.sendAsync(get(server.uri("/stall")), BodyHandlers.ofString());
      Eventually.holds(
          "the server has the request", Duration.ofSeconds(5), () -> !server.requests().isEmpty());

      call(client, "shutdownNow");
      assertThatThrownBy(() -> stalled.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessageContaining("shut down now")
          .hasMessageContaining("/stall");
      assertThat(awaitTermination(client, Duration.ofSeconds(20))).isTrue();
      assertThat(client.isTerminated()).isTrue();
      assertThat(SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED)).isZero();
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThatThrownBy(
              () -> client.sendAsync(get(server.uri("/late")), BodyHandlers.ofString()).join())
          .hasCauseInstanceOf(IOException.class);
      never.countDown();
    }
  }

  @Test
  void shutdownOfAnIdleClientTerminatesAtOnceAndCloseAfterwardsReturns() throws Exception {
    MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build();
    client.shutdown();
    assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(client.isTerminated()).isTrue();
    client.close();
  }

  private static HttpRequest get(java.net.URI uri) {
    return HttpRequest.newBuilder(uri).build();
  }
}
