package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.FakeTransport.FakeConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Where and when the futures of waiting acquirers complete: after the engine has left its hand-off,
 * and, for asynchronous acquirers, on the pool's executor, so that a caller's dependent action that
 * blocks never holds up the engine or another acquirer.
 */
class AcquireCompletionTest {

  private static ConnectionPool<FakeConnection> pool(
      FakeTransport transport, FakeTicker ticker, java.util.concurrent.Executor executor) {
    return ConnectionPool.builder(transport)
        .settings(
            PoolSettings.builder()
                .maxConnectionsPerDestination(2)
                .acquireTimeout(Duration.ofSeconds(1))
                .build())
        .ticker(ticker)
        .scheduler(new ManualScheduler(ticker))
        .executor(executor)
        .build();
  }

  /**
   * Even with a direct executor, which runs the caller's action on the thread that returns the
   * connection, that action runs after the hand-off is over: it stalls only that thread, not the
   * hand-off another thread makes to another acquirer.
   */
  @Test
  void aBlockingDependentActionDoesNotStallHandOffsToOtherAcquirers() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (ConnectionPool<FakeConnection> pool = pool(new FakeTransport(), ticker, Runnable::run)) {
      Lease<FakeConnection> x = pool.acquire(A).join();
      Lease<FakeConnection> y = pool.acquire(A).join();
      CountDownLatch blockedIn = new CountDownLatch(1);
      CountDownLatch unblock = new CountDownLatch(1);
      CompletableFuture<Lease<FakeConnection>> first = pool.acquire(A);
      first.thenAccept(
          lease -> {
            blockedIn.countDown();
            await(unblock);
          });
      CompletableFuture<Lease<FakeConnection>> second = pool.acquire(A);
      Thread returner = new Thread(x::close, "returner");
      returner.start();
      assertThat(blockedIn.await(10, TimeUnit.SECONDS)).isTrue();
      try {
        y.close(); // another thread's hand-off, while the first action blocks
        assertThat(second).isCompleted();
        assertThat(second.join().connection()).isSameAs(y.connection());
      } finally {
        unblock.countDown();
        returner.join(10_000);
      }
    }
  }

  @Test
  void asynchronousAcquirersCompleteOnTheExecutorNeverOnTheReturningThread() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "completer"));
    FakeTicker ticker = new FakeTicker();
    try (ConnectionPool<FakeConnection> pool = pool(new FakeTransport(), ticker, executor)) {
      List<Lease<FakeConnection>> held =
          List.of(pool.acquire(A, Duration.ofSeconds(1)), pool.acquire(A, Duration.ofSeconds(1)));
      AtomicReference<String> ranOn = new AtomicReference<>();
      CompletableFuture<Lease<FakeConnection>> waiter = pool.acquire(A);
      CompletableFuture<Void> action =
          waiter.thenAccept(l -> ranOn.set(Thread.currentThread().getName()));
      held.get(0).close();
      action.get(10, TimeUnit.SECONDS);
      assertThat(ranOn.get()).isEqualTo("completer");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void timeoutsCompleteOnTheExecutorNeverOnTheSchedulersThread() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "completer"));
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    try (ConnectionPool<FakeConnection> pool =
        ConnectionPool.builder(new FakeTransport())
            .settings(
                PoolSettings.builder()
                    .maxConnectionsPerDestination(1)
                    .acquireTimeout(Duration.ofSeconds(1))
                    .build())
            .ticker(ticker)
            .scheduler(scheduler)
            .executor(executor)
            .build()) {
      Lease<FakeConnection> held = pool.acquire(A, Duration.ofSeconds(1));
      AtomicReference<String> ranOn = new AtomicReference<>();
      CompletableFuture<String> action =
          pool.acquire(A).handle((l, e) -> ranOn.getAndSet(Thread.currentThread().getName()));
      scheduler.advance(Duration.ofSeconds(1)); // the timer fires on this (the scheduler's) thread
      action.get(10, TimeUnit.SECONDS);
      assertThat(ranOn.get()).isEqualTo("completer");
      held.close();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aRejectingExecutorStrandsNeitherTheAcquirerNorTheConnection() {
    FakeTicker ticker = new FakeTicker();
    try (ConnectionPool<FakeConnection> pool =
        pool(
            new FakeTransport(),
            ticker,
            r -> {
              throw new RejectedExecutionException("shut down");
            })) {
      Lease<FakeConnection> x = pool.acquire(A).join();
      pool.acquire(A).join().close();
      CompletableFuture<Lease<FakeConnection>> waiter = pool.acquire(A);
      assertThat(waiter).isCompleted(); // served idle, completed on the calling thread
      CompletableFuture<Lease<FakeConnection>> queued = pool.acquire(A);
      x.close();
      assertThat(queued).isCompleted();
      assertThat(queued.join().connection()).isSameAs(x.connection());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
