package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static io.mooring.pool.PoolHarness.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.FakeTransport.FakeConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {

  @Test
  void reusesTheConnectionAfterTheLeaseCloses() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> first = h.lease(A);
      FakeConnection c = first.connection();
      first.close();
      Lease<FakeConnection> second = h.lease(A);
      assertThat(second.connection()).isSameAs(c);
      assertThat(h.transport.opened).hasSize(1);
      second.close();
      assertThat(h.pool.stats(A)).isEqualTo(new PoolStats(A, 0, 1, 0, 0, 0, 32));
    }
  }

  @Test
  void lifoReusesTheHottestAndFifoTheColdest() {
    for (ReuseOrder order : ReuseOrder.values()) {
      try (PoolHarness h = new PoolHarness(b -> b.reuseOrder(order))) {
        Lease<FakeConnection> x = h.lease(A);
        Lease<FakeConnection> y = h.lease(A);
        x.close();
        y.close(); // y returned last: the hottest
        FakeConnection expected = order == ReuseOrder.LIFO ? y.connection() : x.connection();
        assertThat(h.lease(A).connection()).as(order.name()).isSameAs(expected);
      }
    }
  }

  @Test
  void reuseOrderHoldsAcrossManyIdleConnections() {
    for (ReuseOrder order : ReuseOrder.values()) {
      try (PoolHarness h = new PoolHarness(b -> b.reuseOrder(order))) {
        List<Lease<FakeConnection>> leases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          leases.add(h.lease(A));
        }
        List<FakeConnection> released = new ArrayList<>();
        for (Lease<FakeConnection> l : leases) {
          released.add(l.connection());
          l.close();
        }
        if (order == ReuseOrder.LIFO) {
          Collections.reverse(released);
        }
        List<FakeConnection> reused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          reused.add(h.lease(A).connection());
        }
        assertThat(reused).as(order.name()).containsExactlyElementsOf(released);
        assertThat(h.pool.stats(A).active()).isEqualTo(5);
      }
    }
  }

  @Test
  void staleLeaseCannotReturnAConnectionSomeoneElseHolds() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> first = h.lease(A);
      first.close();
      Lease<FakeConnection> second = h.lease(A);
      first.close(); // stale: ignored
      first.fail(new IOException("stale"));
      assertThat(h.pool.stats(A).active()).isEqualTo(1);
      assertThat(h.lease(A).connection()).isNotSameAs(second.connection());
    }
  }

  @Test
  void waitersAreServedInArrivalOrderWhenTheLimitIsReached() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(1))) {
      Lease<FakeConnection> held = h.lease(A);
      List<CompletableFuture<Lease<FakeConnection>>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(h.pool.acquire(A));
      }
      assertThat(h.pool.stats(A).pending()).isEqualTo(3);
      held.close();
      assertThat(waiters.get(0)).isCompleted();
      assertThat(waiters.get(1)).isNotDone();
      waiters.get(0).join().close();
      assertThat(waiters.get(1)).isCompleted();
      assertThat(waiters.get(2)).isNotDone();
      waiters.get(1).join().close();
      waiters.get(2).join().close();
      assertThat(h.transport.opened).hasSize(1);
      assertThat(h.pool.stats(A).pending()).isZero();
    }
  }

  @Test
  void aFreeIdleConnectionDoesNotJumpTheQueue() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(1))) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
      held.close(); // handed straight to the waiter, never idle
      assertThat(waiter).isCompleted();
      assertThat(h.pool.acquire(A)).isNotDone();
    }
  }

  @Test
  void totalLimitEvictsAnIdleConnectionOfAnotherDestination() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxConnectionsPerDestination(2).maxConnectionsTotal(2))) {
      Lease<FakeConnection> a1 = h.lease(A);
      Lease<FakeConnection> a2 = h.lease(A);
      a1.close();
      Lease<FakeConnection> b1 = h.lease(B); // a1 is evicted to make room
      assertThat(a1.connection().closedBy).isEqualTo(ClosedBy.ABORT);
      assertThat(
              h.counter(
                  "mooring.connections.closed", "destination", "a.example:80", "reason", "evicted"))
          .isEqualTo(1);
      CompletableFuture<Lease<FakeConnection>> waiting = h.pool.acquire(B);
      assertThat(waiting).isNotDone(); // a2 is leased, nothing to evict
      a2.close();
      assertThat(waiting).isCompleted();
      assertThat(h.pool.totalConnections()).isEqualTo(2);
      b1.close();
    }
  }

  @Test
  void totalLimitWaiterIsServedWhenAnotherDestinationFreesASlot() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxConnectionsPerDestination(1).maxConnectionsTotal(1))) {
      Lease<FakeConnection> a = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> b = h.pool.acquire(B);
      assertThat(b).isNotDone();
      a.fail(new IOException("broken"));
      assertThat(b).isCompleted();
      assertThat(b.join().destination()).isEqualTo(B);
    }
  }

  @Test
  void fullQueueFailsAtOnceNamingTheDestinationAndLimit() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxConnectionsPerDestination(1).maxPendingAcquires(1))) {
      h.lease(A);
      h.pool.acquire(A);
      CompletableFuture<Lease<FakeConnection>> rejected = h.pool.acquire(A);
      assertThat(rejected).isCompletedExceptionally();
      assertThatThrownBy(rejected::join)
          .cause()
          .isInstanceOf(PendingAcquireLimitException.class)
          .hasMessage(
              "too many acquirers wait for http://a.example:80: maxPendingAcquires is 1; total=1"
                  + " (active=1, idle=0, connecting=0, retiring=0), pending=1, max=1");
      assertThat(h.counter("mooring.acquire.count")).isZero(); // counters are timers: see meters
      assertThat(h.registry.find("mooring.acquire").tag("outcome", "rejected").timer().count())
          .isEqualTo(1);
    }
  }

  @Test
  void acquireTimesOutWithTheCountsAndTheLastConnectFailure() {
    try (PoolHarness h =
        new PoolHarness(
            b ->
                b.maxConnectionsPerDestination(1)
                    .acquireTimeout(Duration.ofSeconds(2))
                    .connectRetryBudget(Duration.ZERO))) {
      Lease<FakeConnection> held = h.lease(A);
      h.transport.connectFailure = new ConnectException("Connection refused");
      Lease<FakeConnection> heldB = h.pool.acquire(B).exceptionally(e -> null).join();
      assertThat(heldB).isNull();
      h.transport.connectFailure = null;
      CompletableFuture<Lease<FakeConnection>> waiting = h.pool.acquire(A);
      h.advance(Duration.ofMillis(1999));
      assertThat(waiting).isNotDone();
      h.advance(Duration.ofMillis(1));
      assertThatThrownBy(waiting::join)
          .cause()
          .isInstanceOf(AcquireTimeoutException.class)
          .hasMessage(
              "no connection to http://a.example:80 within PT2S; total=1 (active=1, idle=0,"
                  + " connecting=0, retiring=0), pending=0, max=1");
      assertThat(h.pool.stats(A).pending()).isZero();
      held.close();
      assertThat(h.pool.stats(A).idle()).isEqualTo(1);
    }
  }

  @Test
  void timeoutChainsTheLastConnectFailure() {
    try (PoolHarness h =
        new PoolHarness(
            b -> b.acquireTimeout(Duration.ofSeconds(1)).connectRetryBudget(Duration.ZERO))) {
      h.transport.gates.put(A, new CompletableFuture<>());
      CompletableFuture<Lease<FakeConnection>> slow = h.pool.acquire(A);
      h.transport.gates.remove(A);
      ConnectException refused = new ConnectException("Connection refused");
      h.transport.connectFailure = refused;
      assertThat(h.pool.acquire(A)).isCompletedExceptionally();
      h.advance(Duration.ofSeconds(1));
      assertThatThrownBy(slow::join)
          .cause()
          .isInstanceOf(AcquireTimeoutException.class)
          .hasMessageEndingWith(
              "last connect failure: java.net.ConnectException: Connection refused")
          .hasCause(refused);
    }
  }

  @Test
  void connectFailureFailsTheAcquirerAndTheQueuePromptlyWhenRetriesAreOff() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxConnectionsPerDestination(1).connectRetryBudget(Duration.ZERO))) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      h.transport.gates.put(A, gate);
      CompletableFuture<Lease<FakeConnection>> first = h.pool.acquire(A);
      CompletableFuture<Lease<FakeConnection>> second = h.pool.acquire(A);
      assertThat(h.pool.stats(A))
          .extracting(PoolStats::connecting, PoolStats::pending)
          .containsExactly(1, 1);
      gate.completeExceptionally(new ConnectException("Connection refused"));
      for (var f : List.of(first, second)) {
        assertThatThrownBy(f::join)
            .isInstanceOf(CompletionException.class)
            .cause()
            .isInstanceOf(ConnectFailedException.class)
            .hasMessage(
                "connect to http://a.example:80 failed: java.net.ConnectException: Connection refused");
      }
      assertThat(h.pool.stats(A).total()).isZero();
      assertThat(h.pool.totalConnections()).isZero();
    }
  }

  @Test
  void aPeerCloseDuringConnectIsCountedClosedAndTheAcquirerGetsAnotherConnection() {
    try (PoolHarness h = new PoolHarness()) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      h.transport.gates.put(A, gate);
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
      FakeConnection early = h.transport.opened.get(0);
      early.peerClose(); // the peer closes while the transport still completes the connect
      gate.complete(null);
      String[] tags = {"destination", "a.example:80"};
      assertThat(h.counter("mooring.connections.opened", tags)).isEqualTo(1);
      assertThat(h.counter("mooring.connections.closed", "closed_by", "peer", "reason", "peer"))
          .isEqualTo(1);
      assertThat(waiter).isNotDone(); // nothing was sent on it: retried like a refused connect
      h.scheduler.advance(Duration.ofMillis(10));
      assertThat(waiter.join().connection()).isNotSameAs(early);
      assertThat(h.counter("mooring.connections.opened", tags)).isEqualTo(2);
    }
  }

  @Test
  void blockingAcquireThrowsThePoolsException() {
    try (PoolHarness h = new PoolHarness(b -> b.connectRetryBudget(Duration.ZERO))) {
      h.transport.connectFailure = new ConnectException("Connection refused");
      assertThatThrownBy(() -> h.pool.acquire(A, Duration.ofSeconds(1)))
          .isInstanceOf(ConnectFailedException.class)
          .hasMessageContaining("http://a.example:80");
      assertThatThrownBy(() -> h.pool.acquire(A, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("acquire timeout is PT0S; expected more than PT0S");
    }
  }

  @Test
  void blockingAcquireTimesItselfOutWithoutATimer() throws Exception {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(1))) {
      Lease<FakeConnection> held = h.lease(A);
      int tasks = h.scheduler.pending();
      // The blocking caller's own wait is real time: the one place a test waits, 50 ms.
      assertThatThrownBy(() -> h.pool.acquire(A, Duration.ofMillis(50)))
          .isInstanceOf(AcquireTimeoutException.class)
          .hasMessageStartingWith("no connection to http://a.example:80 within ")
          .hasMessageContaining("total=1 (active=1, idle=0, connecting=0, retiring=0), pending=0");
      assertThat(h.scheduler.pending()).isEqualTo(tasks); // no timer was scheduled for it
      assertThat(h.pool.stats(A).pending()).isZero();
      held.close();
      assertThat(h.pool.stats(A).idle()).isEqualTo(1);
    }
  }

  @Test
  void blockingAcquireWaitsForAReturnedConnection() throws Exception {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(1))) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> blocked =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return h.pool.acquire(A, Duration.ofSeconds(30));
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      while (h.pool.stats(A).pending() == 0) {
        Thread.onSpinWait(); // until the other thread has queued
      }
      held.close();
      assertThat(blocked.get(30, java.util.concurrent.TimeUnit.SECONDS).connection())
          .isSameAs(held.connection());
    }
  }

  @Test
  void blockingAcquireReturnsALease() throws Exception {
    try (PoolHarness h = new PoolHarness()) {
      try (Lease<FakeConnection> lease = h.pool.acquire(A, Duration.ofSeconds(1))) {
        assertThat(lease.destination()).isEqualTo(A);
      }
      assertThat(h.pool.stats(A).idle()).isEqualTo(1);
    }
  }

  @Test
  void cancelledAcquirerIsWithdrawn() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(1))) {
      Lease<FakeConnection> held = h.lease(A);
      CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
      waiter.cancel(false);
      assertThat(h.pool.stats(A).pending()).isZero();
      held.close();
      assertThat(h.pool.stats(A).idle()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isEqualTo(1); // only the housekeeper, no stray timer
    }
  }

  @Test
  void failedLeaseAbortsTheConnectionAndNeverReturnsIt() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.fail(new IOException("reset mid-response"));
      lease.close();
      assertThat(lease.connection().closedBy).isEqualTo(ClosedBy.ABORT);
      assertThat(h.pool.stats(A).total()).isZero();
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
      assertThat(h.counter("mooring.connections.closed", "closed_by", "abort", "reason", "error"))
          .isEqualTo(1);
    }
  }

  @Test
  void peerCloseWhileIdleLeavesThePoolAtOnce() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      assertThat(h.gauge("mooring.connections", "state", "idle")).isEqualTo(1);
      lease.connection().peerClose();
      assertThat(h.gauge("mooring.connections", "state", "idle")).isZero();
      assertThat(h.pool.totalConnections()).isZero();
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
      assertThat(h.counter("mooring.connections.closed", "closed_by", "peer", "reason", "peer"))
          .isEqualTo(1);
    }
  }

  @Test
  void peerCloseWhileLeasedIsNotReturned() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.connection().peerClose();
      assertThat(h.pool.stats(A).total()).isZero();
      lease.close();
      assertThat(h.pool.stats(A).total()).isZero();
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
    }
  }

  @Test
  void idleConnectionPastMaxIdleIsAbortedWhenThePeerCannotBeAsked() {
    try (PoolHarness h = new PoolHarness(b -> b.maxIdleTime(Duration.ofSeconds(10)))) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.advance(Duration.ofSeconds(9));
      assertThat(h.pool.stats(A).idle()).isEqualTo(1);
      h.advance(Duration.ofSeconds(1));
      assertThat(lease.connection().closedBy).isEqualTo(ClosedBy.ABORT);
      assertThat(h.counter("mooring.connections.closed", "closed_by", "abort", "reason", "idle"))
          .isEqualTo(1);
      assertThat(h.counter("mooring.connections.timewait")).isZero();
    }
  }

  @Test
  void peerFirstWaitsForTheFinWhenThePeerWasAsked() {
    try (PoolHarness h =
        new PoolHarness(
            b -> b.maxIdleTime(Duration.ofSeconds(10)).retirementTimeout(Duration.ofSeconds(3)))) {
      h.transport.peerCloseSupported = true;
      Lease<FakeConnection> x = h.lease(A);
      Lease<FakeConnection> y = h.lease(A);
      x.close();
      y.close();
      h.advance(Duration.ofSeconds(10));
      assertThat(h.pool.stats(A).retiring()).isEqualTo(2);
      assertThat(h.transport.peerCloseRequests).hasValue(2);
      x.connection().peerClose(); // honours the request
      h.advance(Duration.ofSeconds(3)); // y ignored it: fallback
      assertThat(x.connection().closedBy).isEqualTo(ClosedBy.PEER);
      assertThat(y.connection().closedBy).isEqualTo(ClosedBy.ABORT);
      assertThat(h.counter("mooring.connections.closed", "closed_by", "peer", "reason", "idle"))
          .isEqualTo(1);
      assertThat(h.counter("mooring.connections.closed", "closed_by", "abort", "reason", "idle"))
          .isEqualTo(1);
      assertThat(h.pool.stats(A).total()).isZero();
    }
  }

  @Test
  void gracefulFallbackIsTheOnlyWayPeerFirstClosesFirst() {
    try (PoolHarness h =
        new PoolHarness(
            b ->
                b.maxIdleTime(Duration.ofSeconds(10))
                    .fallbackClose(CloseMode.GRACEFUL)
                    .retirementTimeout(Duration.ofSeconds(1)))) {
      h.transport.peerCloseSupported = true;
      Lease<FakeConnection> x = h.lease(A);
      x.close();
      h.advance(Duration.ofSeconds(10));
      assertThat(x.connection().closedBy).isNull();
      h.advance(Duration.ofSeconds(1));
      assertThat(x.connection().closedBy).isEqualTo(ClosedBy.LOCAL);
      assertThat(h.counter("mooring.connections.timewait")).isEqualTo(1);
    }
  }

  @Test
  void abortAndGracefulPoliciesCloseAtOnce() {
    for (ClosePolicy policy : List.of(ClosePolicy.ABORT, ClosePolicy.GRACEFUL)) {
      try (PoolHarness h =
          new PoolHarness(b -> b.closePolicy(policy).maxIdleTime(Duration.ofSeconds(1)))) {
        h.transport.peerCloseSupported = true;
        Lease<FakeConnection> x = h.lease(A);
        x.peerWillClose();
        x.close();
        assertThat(x.connection().closedBy)
            .isEqualTo(policy == ClosePolicy.ABORT ? ClosedBy.ABORT : ClosedBy.LOCAL);
        assertThat(h.transport.peerCloseRequests).hasValue(0);
      }
    }
  }

  @Test
  void maxRequestsMarksTheLastUseAndWaitsForThePeer() {
    try (PoolHarness h = new PoolHarness(b -> b.maxRequestsPerConnection(3))) {
      FakeConnection c = null;
      for (int i = 1; i <= 3; i++) {
        Lease<FakeConnection> lease = h.lease(A);
        c = lease.connection();
        assertThat(lease.isLastUse()).as("use " + i).isEqualTo(i == 3);
        if (lease.isLastUse()) {
          lease.peerWillClose(); // the protocol sent "Connection: close"
        }
        lease.close();
      }
      assertThat(h.pool.stats(A).retiring()).isEqualTo(1);
      assertThat(h.lease(A).connection()).isNotSameAs(c);
      c.peerClose();
      assertThat(
              h.counter(
                  "mooring.connections.closed", "closed_by", "peer", "reason", "max_requests"))
          .isEqualTo(1);
    }
  }

  @Test
  void serverAnnouncedMaxRequestsEndsTheConnection() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.remainingRequests(1);
      lease.close();
      Lease<FakeConnection> last = h.lease(A);
      assertThat(last.connection()).isSameAs(lease.connection());
      assertThat(last.isLastUse()).isTrue();
      last.close(); // the protocol did not ask the peer: fallback abort at once
      assertThat(last.connection().closedBy).isEqualTo(ClosedBy.ABORT);

      Lease<FakeConnection> other = h.lease(A);
      other.remainingRequests(0);
      other.close();
      assertThat(other.connection().closedBy).isEqualTo(ClosedBy.ABORT);
    }
  }

  @Test
  void maxLifetimeWithJitterSpreadsRetirement() {
    try (PoolHarness h =
        new PoolHarness(
            b ->
                b.maxLifetime(Duration.ofMinutes(10))
                    .lifetimeJitter(0.5)
                    .maxConnectionsPerDestination(50)
                    .maxIdleTime(Duration.ofHours(1)))) {
      List<Lease<FakeConnection>> leases = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        leases.add(h.lease(A));
      }
      leases.forEach(Lease::close);
      h.advance(Duration.ofMinutes(5).minusSeconds(1));
      assertThat(h.pool.stats(A).idle()).isEqualTo(50);
      h.advance(Duration.ofMinutes(2));
      long early = h.transport.closedBy(ClosedBy.ABORT);
      assertThat(early).isBetween(5L, 45L); // some, not all: jitter spreads them
      h.advance(Duration.ofMinutes(3).plusSeconds(1));
      assertThat(h.transport.closedBy(ClosedBy.ABORT)).isEqualTo(50);
      assertThat(h.counter("mooring.connections.closed", "reason", "lifetime")).isEqualTo(50);
    }
  }

  @Test
  void connectionPastLifetimeServesOneLastRequest() {
    try (PoolHarness h =
        new PoolHarness(b -> b.maxLifetime(Duration.ofMinutes(1)).lifetimeJitter(0))) {
      Lease<FakeConnection> lease = h.lease(A);
      h.ticker.advance(Duration.ofMinutes(1)); // no housekeeping: the lease path decides
      lease.close();
      Lease<FakeConnection> last = h.lease(A);
      assertThat(last.connection()).isSameAs(lease.connection());
      assertThat(last.isLastUse()).isTrue();
    }
  }

  @Test
  void declaredServerIdleTimeoutStopsLeasingBeforeTheServerCloses() {
    try (PoolHarness h =
        new PoolHarness(
            b ->
                b.serverIdleTimeout(Duration.ofSeconds(5))
                    .keepAliveSafetyMargin(Duration.ofSeconds(1)))) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.ticker.advance(Duration.ofMillis(3999));
      Lease<FakeConnection> again = h.lease(A);
      assertThat(again.connection()).isSameAs(lease.connection());
      again.close();
      h.ticker.advance(Duration.ofSeconds(4));
      Lease<FakeConnection> fresh = h.lease(A);
      assertThat(fresh.connection()).isNotSameAs(lease.connection());
      // The old one waits for the server's close rather than closing first.
      assertThat(h.pool.stats(A).retiring()).isEqualTo(1);
      lease.connection().peerClose();
      assertThat(h.pool.stats(A).retiring()).isZero();
      assertThat(h.transport.closedBy(ClosedBy.LOCAL)).isZero();
    }
  }

  @Test
  void announcedServerIdleTimeoutIsHonoured() {
    try (PoolHarness h = new PoolHarness()) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.serverIdleTimeout(Duration.ofSeconds(3));
      lease.close();
      h.ticker.advance(Duration.ofSeconds(2));
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
    }
  }

  @Test
  void serverIdleTimeoutIsLearnedFromPeerCloses() {
    try (PoolHarness h = new PoolHarness()) {
      for (int i = 0; i < 3; i++) {
        Lease<FakeConnection> lease = h.lease(A);
        lease.close();
        h.ticker.advance(Duration.ofSeconds(4 + i)); // 4, 5, 6: median 5
        lease.connection().peerClose();
      }
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.ticker.advance(Duration.ofMillis(3900));
      Lease<FakeConnection> again = h.lease(A);
      assertThat(again.connection()).isSameAs(lease.connection());
      again.close();
      h.ticker.advance(Duration.ofMillis(4100));
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
    }
  }

  @Test
  void leakIsReportedOnceAndCounted() {
    try (PoolHarness h = new PoolHarness(b -> b.leakDetectionThreshold(Duration.ofSeconds(30)))) {
      Lease<FakeConnection> lease = h.lease(A);
      h.advance(Duration.ofSeconds(29));
      assertThat(h.counter("mooring.leases.leaked")).isZero();
      h.advance(Duration.ofSeconds(1));
      assertThat(h.counter("mooring.leases.leaked")).isEqualTo(1);
      h.advance(Duration.ofMinutes(5));
      assertThat(h.counter("mooring.leases.leaked")).isEqualTo(1);
      lease.close();
    }
  }

  @Test
  void emptyDestinationExpiresAndItsMetersGo() {
    try (PoolHarness h =
        new PoolHarness(
            b -> b.destinationExpiry(Duration.ofMinutes(1)).maxIdleTime(Duration.ofSeconds(30)))) {
      h.lease(A).close();
      assertThat(h.registry.find("mooring.connections").tag("destination", "a.example:80").gauges())
          .hasSize(4);
      h.advance(Duration.ofSeconds(30)); // idle connection retired: destination empty
      assertThat(h.pool.stats(A).total()).isZero();
      h.advance(Duration.ofSeconds(59));
      assertThat(
              h.registry.find("mooring.connections.max").tag("destination", "a.example:80").gauge())
          .isNotNull();
      h.advance(Duration.ofSeconds(1));
      assertThat(
              h.registry.find("mooring.connections.max").tag("destination", "a.example:80").gauge())
          .isNull();
      assertThat(h.registry.getMeters())
          .noneMatch(m -> "a.example:80".equals(m.getId().getTag("destination")));
      h.lease(A).close(); // comes back on demand
      assertThat(h.gauge("mooring.connections", "state", "idle")).isEqualTo(1);
    }
  }

  @Test
  void destinationCapEvictsAndClosesUnderThePolicy() {
    try (PoolHarness h = new PoolHarness(b -> b.maxDestinations(2))) {
      List<FakeConnection> conns = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Lease<FakeConnection> l = h.lease(Destination.of("http", "h" + i + ".example", 80));
        conns.add(l.connection());
        l.close();
        h.pool.maintain(h.ticker.nanoTime());
      }
      long open = conns.stream().filter(c -> c.closedBy == null).count();
      assertThat(open).isLessThanOrEqualTo(2);
      assertThat(conns).allMatch(c -> c.closedBy == null || c.closedBy == ClosedBy.ABORT);
      assertThat(h.registry.find("mooring.connections.max").gauges()).hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void closeFailsWaitersAbortsIdleAndRetiresLeasedOnReturn() {
    PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(2));
    Lease<FakeConnection> leased = h.lease(A);
    Lease<FakeConnection> leased2 = h.lease(A);
    CompletableFuture<Lease<FakeConnection>> waiter = h.pool.acquire(A);
    Lease<FakeConnection> idle = h.lease(B);
    idle.close();
    CompletableFuture<Void> closed = h.pool.closeAsync();
    assertThatThrownBy(waiter::join).cause().isInstanceOf(PoolClosedException.class);
    assertThatThrownBy(() -> h.pool.acquire(A).join())
        .cause()
        .isInstanceOf(PoolClosedException.class)
        .hasMessage("pool 'test' is closed; cannot lease a connection to http://a.example:80");
    assertThat(idle.connection().closedBy).isEqualTo(ClosedBy.ABORT);
    leased.close();
    assertThat(leased.connection().closedBy).isEqualTo(ClosedBy.ABORT);
    assertThat(
            h.counter(
                "mooring.connections.closed", "destination", "a.example:80", "reason", "shutdown"))
        .isEqualTo(1);
    assertThat(closed).isNotDone();
    leased2.close();
    assertThat(closed).isCompleted();
    assertThat(h.transport.closedBy(ClosedBy.ABORT)).isEqualTo(3);
    assertThat(h.transport.closedBy(ClosedBy.LOCAL)).isZero();
    assertThat(h.registry.getMeters()).isEmpty(); // a closed pool leaves no meters behind
  }

  @Test
  void closeAbortsLeasesHeldPastTheGracePeriod() {
    PoolHarness h = new PoolHarness(b -> b.shutdownGracePeriod(Duration.ofSeconds(5)));
    Lease<FakeConnection> held = h.lease(A);
    CompletableFuture<Void> closed = h.pool.closeAsync();
    h.scheduler.advance(Duration.ofSeconds(4));
    assertThat(closed).isNotDone();
    h.scheduler.advance(Duration.ofSeconds(2));
    assertThat(closed).isCompleted();
    assertThat(held.connection().closedBy).isEqualTo(ClosedBy.ABORT);
    held.close(); // late: harmless
  }

  @Test
  void metersCarryPoolAndDestinationTagsInBaseUnits() {
    try (PoolHarness h = new PoolHarness(b -> b.maxConnectionsPerDestination(7))) {
      Lease<FakeConnection> x = h.lease(A);
      Lease<FakeConnection> y = h.lease(A);
      y.close();
      String[] tags = {"pool", "test", "destination", "a.example:80"};
      assertThat(h.gauge("mooring.connections.max", tags)).isEqualTo(7);
      assertThat(h.gauge("mooring.connections", "pool", "test", "state", "active")).isEqualTo(1);
      assertThat(h.gauge("mooring.connections", "pool", "test", "state", "idle")).isEqualTo(1);
      assertThat(h.gauge("mooring.connections", "state", "connecting")).isZero();
      assertThat(h.gauge("mooring.connections", "state", "retiring")).isZero();
      assertThat(h.gauge("mooring.connections.pending", tags)).isZero();
      assertThat(h.counter("mooring.connections.opened", tags)).isEqualTo(2);
      assertThat(
              h.registry
                  .find("mooring.acquire")
                  .tags(tags)
                  .tag("outcome", "success")
                  .timer()
                  .count())
          .isEqualTo(2);
      assertThat(h.registry.find("mooring.connections.opened").counter().getId().getBaseUnit())
          .isEqualTo("connections");
      x.close();
    }
  }

  @Test
  void noRegistryMeansNoMeters() {
    FakeTransport transport = new FakeTransport();
    FakeTicker ticker = new FakeTicker();
    try (ConnectionPool<FakeConnection> pool =
        ConnectionPool.builder(transport)
            .ticker(ticker)
            .scheduler(new ManualScheduler(ticker))
            .settings(PoolSettings.builder().shutdownGracePeriod(Duration.ZERO).build())
            .build()) {
      pool.acquire(A).join().close();
      assertThat(pool.stats(A).idle()).isEqualTo(1);
      assertThat(pool.settings().name()).isEqualTo("mooring");
    }
  }
}
