package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.FakeTransport.FakeConnection;
import io.mooring.pool.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded barging of {@link PoolSettings#bargingWindow()}: within the oldest blocking waiter's
 * window a connection returned after a short lease goes to a running acquirer; past it, waiters are
 * served in arrival order and nobody overtakes them. Time is the harness's fake ticker; the waiters
 * are real threads blocked in {@code acquire(destination, timeout)}, whose own window park is real
 * time, so the windows here are the maximum (1 s) where the test needs a waiter still in its
 * window.
 */
class BargingTest {
  private static final Duration WINDOW = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aRunningAcquirerTakesAShortLeasesConnectionWithinTheWaitersWindow() throws Exception {
    try (PoolHarness h = harness(WINDOW)) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = blockingAcquire(h, 1);

      held.close();
      Lease<FakeConnection> again = h.pool.acquire(A, WAIT); // barges: no wait, no hand-off

      assertThat(again.connection()).isSameAs(held.connection());
      assertThat(waiter).isNotDone();
      assertThat(h.pool.stats(A).pending()).isEqualTo(1);
      h.ticker.advance(WINDOW); // the waiter's turn now: the next return is handed to it
      again.close();
      assertThat(h.pool.stats(A).pending()).isZero(); // handed over in close(), not idle
      waiter.get(WAIT.toSeconds(), SECONDS).close();
    }
  }

  @Test
  void pastTheWindowWaitersAreServedInArrivalOrderAndNotOvertaken() throws Exception {
    try (PoolHarness h = harness(WINDOW)) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> first = blockingAcquire(h, 1);
      CompletableFuture<Lease<FakeConnection>> second = blockingAcquire(h, 2);
      h.ticker.advance(WINDOW); // both waited the window (by the pool's clock)

      CompletableFuture<Lease<FakeConnection>> barger = h.pool.acquire(A);
      held.close();

      Lease<FakeConnection> firstLease = first.get(WAIT.toSeconds(), SECONDS);
      assertThat(firstLease.connection()).isSameAs(held.connection());
      assertThat(second).isNotDone();
      assertThat(barger).isNotDone();
      firstLease.close();
      Lease<FakeConnection> secondLease = second.get(WAIT.toSeconds(), SECONDS);
      assertThat(barger).isNotDone();
      secondLease.close();
      assertThat(barger).isCompleted();
      barger.join().close();
    }
  }

  @Test
  void aConnectionHeldLongerThanTheWindowGoesToTheWaiterAtOnce() throws Exception {
    try (PoolHarness h = harness(WINDOW)) {
      Lease<FakeConnection> held = h.lease(A);
      h.ticker.advance(WINDOW); // a long lease: this thread is likely busy elsewhere next
      CompletableFuture<Lease<FakeConnection>> waiter = blockingAcquire(h, 1);

      held.close();

      assertThat(waiter.get(WAIT.toSeconds(), SECONDS).connection()).isSameAs(held.connection());
    }
  }

  @Test
  void aWaiterTakesAConnectionLeftIdleWhenItsWindowEnds() throws Exception {
    try (PoolHarness h = harness(Duration.ofMillis(20))) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = blockingAcquire(h, 1);

      held.close(); // left idle for a barger that never comes

      assertThat(waiter.get(WAIT.toSeconds(), SECONDS).connection()).isSameAs(held.connection());
      assertThat(h.pool.stats(A).pending()).isZero();
    }
  }

  @Test
  void aZeroWindowKeepsStrictArrivalOrder() throws Exception {
    try (PoolHarness h = harness(Duration.ZERO)) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = blockingAcquire(h, 1);

      held.close(); // handed straight to the waiter

      assertThat(waiter.get(WAIT.toSeconds(), SECONDS).connection()).isSameAs(held.connection());
      assertThat(h.pool.acquire(A)).isNotDone();
    }
  }

  @Test
  void asynchronousAcquirersAreNeverOvertaken() {
    try (PoolHarness h = harness(WINDOW)) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);

      held.close();

      assertThat(waiter).isCompleted();
      assertThat(waiter.join().connection()).isSameAs(held.connection());
      assertThat(h.pool.acquire(A)).isNotDone();
    }
  }

  private static PoolHarness harness(Duration window) {
    return new PoolHarness(b -> b.maxConnectionsPerDestination(1).bargingWindow(window));
  }

  /** Starts a blocking acquire on its own thread and returns once it waits as the n-th waiter. */
  private CompletableFuture<Lease<FakeConnection>> blockingAcquire(PoolHarness h, int nth) {
    CompletableFuture<Lease<FakeConnection>> result = new CompletableFuture<>();
    threads.execute(
        () -> {
          try {
            result.complete(h.pool.acquire(A, WAIT));
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    Await.until(
        "waiter " + nth + " queued",
        WAIT,
        () -> h.pool.stats(A).pending() == nth,
        () -> h.pool.stats(A).toString());
    return result;
  }
}
