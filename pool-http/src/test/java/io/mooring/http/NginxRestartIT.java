package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * nginx restarted under load: 8 threads send GETs while nginx stops gracefully and, about 250 ms
 * later, a new nginx listens on the same port. Connects refused in the gap must cost no request:
 * the pool keeps the acquirers queued and reconnects within its connect-retry budget.
 *
 * <p>The load runs until {@value #REQUESTS} requests succeeded before the stop (so the JVM is warm)
 * and {@value #REQUESTS} after the new nginx listens, whatever the machine's speed.
 */
@EachIoMode
class NginxRestartIT {
  @Parameter IoMode io;

  private static final int THREADS = 8;
  private static final int REQUESTS = 300;
  private static final Duration GAP = Duration.ofMillis(250);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** What one run saw. */
  private record Run(int failed, Map<String, Integer> failures, double retries) {}

  private Run restartUnderLoad(PoolSettings settings) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Nginx nginx = Nginx.start(dir);
    int port = nginx.port();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger okAfter = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    AtomicBoolean restarted = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong slowest = new AtomicLong();
    double retries;
    try (MooringHttpClient client =
        MooringHttpClient.newBuilder()
            .io(io)
            .poolSettings(settings)
            .meterRegistry(registry)
            .build()) {
      HttpRequest get = HttpRequest.newBuilder(nginx.uri("/hello")).build();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Thread thread =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    boolean after = restarted.get();
                    long started = System.nanoTime();
                    try {
                      String body = client.send(get, BodyHandlers.ofString()).body();
                      if (!"hello".equals(body)) {
                        throw new AssertionError("unexpected body " + body);
                      }
                      (after ? okAfter : ok).incrementAndGet();
                    } catch (Exception | AssertionError e) {
                      failed.incrementAndGet();
                      failures.merge(e.toString(), 1, Integer::sum);
                    }
                    slowest.accumulateAndGet(System.nanoTime() - started, Math::max);
                  }
                },
                "load-" + t);
        thread.start();
        threads.add(thread);
      }
      await("requests to the first nginx", () -> ok.get() >= REQUESTS);
      Duration gap = nginx.restart(GAP);
      restarted.set(true);
      await("requests to the second nginx", () -> okAfter.get() >= REQUESTS);
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(30_000);
      }
      retries = sum(registry, "mooring.connections.connect.retries"); // gone once closed
      System.out.printf(
          "nginx restart (gap %d ms, connectRetryBudget %s): %d ok before, %d ok after,"
              + " %d failed %s; %.0f connect retries, %.0f connections opened; slowest request"
              + " %d ms%n",
          gap.toMillis(),
          settings.connectRetryBudget(),
          ok.get(),
          okAfter.get(),
          failed.get(),
          failures,
          retries,
          sum(registry, "mooring.connections.opened"),
          TimeUnit.NANOSECONDS.toMillis(slowest.get()));
      assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT").isZero();
    } finally {
      nginx.close();
    }
    assertThat(SocketTable.clientTimeWait(port)).as("client TIME_WAIT after close").isZero();
    assertThat(SocketTable.clientCloseWait(port)).as("client CLOSE_WAIT after close").isZero();
    return new Run(failed.get(), failures, retries);
  }

  /** Polls {@code condition} every 10 ms until it holds; fails at the deadline. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not enough " + what + " within " + DEADLINE);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static double sum(SimpleMeterRegistry registry, String meter) {
    return registry.find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aRestartUnderLoadFailsNoRequestOnARefusedConnectAndLeavesNoClientTimeWait()
      throws Exception {
    Run run = restartUnderLoad(PoolSettings.defaults());
    // Refused connects, the gap itself, cost nothing. A stopping nginx also resets the
    // connections still in its accept queue: a GET already written on such a fresh connection
    // fails waiting for the head and, under the retry rule (Go's: a new connection is not
    // retried once written), is not resent. Seen once in many runs (3 requests): allowed, named.
    assertThat(run.failures().keySet())
        .as("failed requests: %s", run.failures())
        .allMatch(
            f -> f.contains("failed while waiting for the response head") && f.contains("reset"));
    assertThat(run.retries()).isPositive();
  }

  /** The same restart with retries off: what the test above sees without the reconnect loop. */
  @Test
  void withoutConnectRetriesTheSameRestartFailsRequests() throws Exception {
    Run run = restartUnderLoad(PoolSettings.builder().connectRetryBudget(Duration.ZERO).build());
    assertThat(run.failed()).isPositive();
    // Refused connects are what the retry budget covers; a stopping nginx may also reset a
    // connection it had just accepted, which fails differently and is not asserted on here.
    assertThat(run.failures().keySet())
        .as("failures: %s", run.failures())
        .anyMatch(f -> f.contains("Connection refused"));
  }
}
