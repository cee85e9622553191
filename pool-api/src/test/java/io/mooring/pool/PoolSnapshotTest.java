package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static io.mooring.pool.PoolHarness.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.FakeTransport.FakeConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ConnectionPool#snapshot()}: every destination held, its counts and idle timeout. */
class PoolSnapshotTest {

  @Test
  void anEmptyPoolHasNoDestination() {
    try (PoolHarness h = new PoolHarness()) {
      assertThat(h.pool.snapshot()).isEmpty();
    }
  }

  @Test
  void listsEachDestinationWithItsCountsAndTheServerIdleTimeoutInUse() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxConnectionsPerDestination(2).maxPendingAcquires(5))) {
      Lease<FakeConnection> a1 = h.lease(A);
      a1.serverIdleTimeout(Duration.ofSeconds(3)); // announced by the server
      Lease<FakeConnection> a2 = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiting = h.pool.acquire(A);
      a1.close();
      assertThat(waiting).isDone(); // a1's connection went to the waiter
      h.lease(B).close();

      List<DestinationSnapshot> snapshot = h.pool.snapshot();

      assertThat(snapshot).extracting(DestinationSnapshot::destination).containsExactly(A, B);
      assertThat(snapshot.get(0).stats()).isEqualTo(h.pool.stats(A));
      assertThat(snapshot.get(0).stats().active()).isEqualTo(2);
      assertThat(snapshot.get(0).serverIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(snapshot.get(1).stats().idle()).isEqualTo(1);
      assertThat(snapshot.get(1).serverIdleTimeout()).isEqualTo(Duration.ZERO);
      a2.close();
      waiting.join().close();
      assertThat(h.pool.snapshot().get(0).stats().idle()).isEqualTo(2);
    }
  }

  @Test
  void aDeclaredServerIdleTimeoutShowsForEveryDestination() {
    try (PoolHarness h = new PoolHarness(b -> b.serverIdleTimeout(Duration.ofSeconds(7)))) {
      h.lease(A).close();
      assertThat(h.pool.snapshot().get(0).serverIdleTimeout()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void aLearnedServerIdleTimeoutShows() {
    try (PoolHarness h = new PoolHarness()) {
      for (int i = 0; i < 3; i++) {
        Lease<FakeConnection> lease = h.lease(A);
        lease.close();
        h.ticker.advance(Duration.ofSeconds(4 + i)); // the server closes at 4, 5, 6 s: median 5
        lease.connection().peerClose();
      }
      assertThat(h.pool.snapshot().get(0).serverIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
  }
}
