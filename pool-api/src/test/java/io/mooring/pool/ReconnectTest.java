package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static io.mooring.pool.PoolHarness.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.FakeTransport.FakeConnection;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Refused connects (a server restarting): acquirers stay queued while one loop per destination
 * reconnects with jittered exponential backoff, until a connect succeeds, the acquire timeout or
 * the connect-retry budget. Time moves only by hand.
 */
class ReconnectTest {
  private static final ConnectException REFUSED = new ConnectException("Connection refused");

  private static List<CompletableFuture<Lease<FakeConnection>>> acquire(PoolHarness h, int n) {
    List<CompletableFuture<Lease<FakeConnection>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(h.pool.acquire(A));
    }
    return out;
  }

  private static double retries(PoolHarness h) {
    return h.counter("mooring.connections.connect.retries", "destination", "a.example:80");
  }

  @Test
  void oneLoopPerDestinationReconnectsWithBackoffWhileAcquirersWait() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(4))) {
      int housekeeping = h.scheduler.pending();
      h.transport.connectFailure = REFUSED;
      List<CompletableFuture<Lease<FakeConnection>>> waiters = acquire(h, 3);
      // The first acquirer's connect was refused; nobody else connects while the loop backs off.
      assertThat(h.transport.connectAttempts).hasValue(1);
      assertThat(h.pool.stats(A).pending()).isEqualTo(3);
      // One loop, not one per waiter: the housekeeper, three acquire timers and one reconnect.
      assertThat(h.scheduler.pending()).isEqualTo(housekeeping + 3 + 1);
      h.scheduler.advance(Duration.ofMillis(4)); // first delay: 5..10 ms
      assertThat(h.transport.connectAttempts).hasValue(1);
      h.scheduler.advance(Duration.ofMillis(6)); // t=10 ms
      assertThat(h.transport.connectAttempts).hasValue(2);
      h.scheduler.advance(Duration.ofMillis(20)); // second delay 10..20 ms: t <= 30 ms
      assertThat(h.transport.connectAttempts).hasValue(3);
      h.scheduler.advance(Duration.ofMillis(4)); // third delay 20..40 ms: not before t=35 ms
      assertThat(h.transport.connectAttempts).hasValue(3);
      assertThat(waiters).allMatch(f -> !f.isDone());
      assertThat(retries(h)).isEqualTo(2);

      h.transport.connectFailure = null; // the server listens again
      h.scheduler.advance(Duration.ofMillis(36)); // t=70 ms: third attempt made
      assertThat(waiters).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      assertThat(h.transport.connectAttempts).hasValue(6); // 3 refused, the loop's, 2 more
      assertThat(h.transport.opened).hasSize(3);
      assertThat(retries(h)).isEqualTo(3);
      assertThat(h.pool.stats(A).pending()).isZero();
      assertThat(h.scheduler.pending()).isEqualTo(housekeeping); // loop over, timers cancelled
    }
  }

  @Test
  void whenTheBudgetIsSpentEveryWaiterFailsWithTheLastCause() {
    try (PoolHarness h = new PoolHarness(b -> b.connectRetryBudget(Duration.ofSeconds(1)))) {
      h.transport.connectFailure = REFUSED;
      List<CompletableFuture<Lease<FakeConnection>>> waiters = acquire(h, 2);
      h.scheduler.advance(Duration.ofMillis(999));
      assertThat(waiters).allMatch(f -> !f.isDone());
      int attempts = h.transport.connectAttempts.get();
      // 10, 20, 40, ... 250 ms steps, each at least half: 6 to 10 retries in a second.
      assertThat(attempts - 1).isBetween(6, 10);
      h.scheduler.advance(Duration.ofMillis(1)); // the last attempt is made when the budget ends
      for (var f : waiters) {
        assertThatThrownBy(f::join)
            .cause()
            .isInstanceOf(ConnectFailedException.class)
            .hasMessageStartingWith(
                "connect to http://a.example:80 failed: java.net.ConnectException: Connection"
                    + " refused; still failing after "
                    + (attempts)
                    + " reconnect attempts in PT1S (connectRetryBudget=PT1S)")
            .hasCause(REFUSED);
      }
      assertThat(retries(h)).isEqualTo(attempts);
      assertThat(h.pool.stats(A).total()).isZero();
      // The episode is over: the next acquirer connects at once and starts a new one.
      h.transport.connectFailure = null;
      assertThat(h.lease(A).destination()).isEqualTo(A);
    }
  }

  @Test
  void theAcquireTimeoutEndsAWaitBeforeTheBudgetAndTheLoopStopsWhenNobodyWaits() {
    try (PoolHarness h =
        new PoolHarness(
            b ->
                b.acquireTimeout(Duration.ofMillis(300))
                    .connectRetryBudget(Duration.ofSeconds(5)))) {
      int housekeeping = h.scheduler.pending();
      h.transport.connectFailure = REFUSED;
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
      h.scheduler.advance(Duration.ofMillis(300));
      assertThatThrownBy(waiter::join)
          .cause()
          .isInstanceOf(AcquireTimeoutException.class)
          .hasMessageContaining("last connect failure: java.net.ConnectException")
          .hasCause(REFUSED);
      int attempts = h.transport.connectAttempts.get();
      h.scheduler.advance(Duration.ofMillis(250)); // the loop's next attempt finds nobody waiting
      assertThat(h.transport.connectAttempts).hasValue(attempts);
      assertThat(h.scheduler.pending()).isEqualTo(housekeeping);
    }
  }

  @Test
  void aConnectionReturnedDuringTheEpisodeServesTheQueue() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(2))) {
      Lease<FakeConnection> held = h.lease(A);
      h.transport.connectFailure = REFUSED;
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
      assertThat(waiter).isNotDone();
      held.close();
      assertThat(waiter.join().connection()).isSameAs(held.connection());
    }
  }

  @Test
  void otherFailuresAndOtherDestinationsAreNotHeldBack() {
    try (PoolHarness h = new PoolHarness()) {
      h.transport.connectFailure = new UnknownHostException("a.example");
      assertThat(h.pool.acquire(A)).isCompletedExceptionally(); // retrying would not help
      h.transport.connectFailure = REFUSED;
      CompletableFuture<Lease<FakeConnection>> a = h.pool.acquire(A);
      assertThat(a).isNotDone();
      h.transport.connectFailure = null;
      assertThat(h.lease(B).destination()).isEqualTo(B); // B has its own partition and loop
      assertThat(a).isNotDone();
      h.scheduler.advance(Duration.ofMillis(10));
      assertThat(a).isCompleted();
    }
  }

  @Test
  void closingThePoolEndsTheLoopAndFailsTheWaiters() {
    PoolHarness h = new PoolHarness();
    int housekeeping = h.scheduler.pending();
    h.transport.connectFailure = REFUSED;
    CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
    h.pool.closeAsync();
    assertThatThrownBy(waiter::join).cause().isInstanceOf(PoolClosedException.class);
    int attempts = h.transport.connectAttempts.get();
    h.scheduler.advance(Duration.ofSeconds(1));
    assertThat(h.transport.connectAttempts).hasValue(attempts);
    assertThat(h.scheduler.pending()).isLessThanOrEqualTo(housekeeping);
  }

  @Test
  void budgetZeroFailsAtOnce() {
    try (PoolHarness h = new PoolHarness(b -> b.connectRetryBudget(Duration.ZERO))) {
      h.transport.connectFailure = REFUSED;
      assertThatThrownBy(() -> h.pool.acquire(A).join())
          .cause()
          .isInstanceOf(ConnectFailedException.class)
          .hasMessage(
              "connect to http://a.example:80 failed: java.net.ConnectException: Connection"
                  + " refused");
      assertThat(retries(h)).isZero();
    }
  }
}
