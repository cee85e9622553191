package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.FakeTransport.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the pool learns a server's idle timeout from the peer's closes: from a consistent pattern of
 * idle closes only, never from a restart that closes everything at once.
 */
class KeepAliveLearningTest {

  /**
   * A restart under load: the server closes connections idle for 1.2 s together with one just used
   * and one in use. Three of them teach nothing, so a connection may still idle 1.1 s and be reused
   * (a learned 1.2 s would retire it at 0.2 s, with the default 1 s safety margin).
   */
  @Test
  void restartsTeachNoTimeout() {
    try (PoolHarness h = new PoolHarness()) {
      for (int restart = 0; restart < 3; restart++) {
        List<Lease<FakeConnection>> burst = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          burst.add(h.lease(A));
        }
        burst.forEach(Lease::close);
        h.ticker.advance(Duration.ofMillis(1200));
        Lease<FakeConnection> inUse = h.lease(A); // the newest: burst's last
        h.lease(A).close(); // the one before it, idle again at age 0
        for (Lease<FakeConnection> l : burst) { // idle ones first: the sample comes, then its undo
          l.connection().peerClose();
        }
        inUse.close();
        assertThat(h.pool.stats(A).total()).isZero();
        h.ticker.advance(Duration.ofSeconds(1));
      }
      assertReusedAfterIdling(h, Duration.ofMillis(1100));
    }
  }

  /** The young close may come first too: then the idle ones of that event are no samples. */
  @Test
  void aRestartWhoseFirstCloseIsYoungTeachesNothing() {
    try (PoolHarness h = new PoolHarness()) {
      for (int restart = 0; restart < 3; restart++) {
        Lease<FakeConnection> old = h.lease(A);
        Lease<FakeConnection> young = h.lease(A);
        old.close();
        h.ticker.advance(Duration.ofMillis(1500));
        young.close();
        young.connection().peerClose();
        h.ticker.advance(Duration.ofMillis(100)); // still the same event
        old.connection().peerClose();
        h.ticker.advance(Duration.ofSeconds(1));
      }
      assertReusedAfterIdling(h, Duration.ofMillis(1400));
    }
  }

  /**
   * An idle timeout of 5 s closes connections that idled together in one event: each event is one
   * sample, and three agreeing events teach it (two do not).
   */
  @Test
  void consistentIdleClosesInEventsAreLearned() {
    try (PoolHarness h = new PoolHarness()) {
      for (int event = 0; event < 3; event++) {
        List<Lease<FakeConnection>> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          burst.add(h.lease(A));
        }
        burst.forEach(Lease::close);
        h.ticker.advance(Duration.ofMillis(5000 + 100 * event));
        for (Lease<FakeConnection> l : burst) {
          l.connection().peerClose();
          h.ticker.advance(Duration.ofMillis(10));
        }
        if (event == 1) {
          assertReusedAfterIdling(h, Duration.ofMillis(4500));
        }
      }
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.ticker.advance(Duration.ofMillis(4500)); // past 5.1 s minus the 1 s margin
      assertThat(h.lease(A).connection()).isNotSameAs(lease.connection());
    }
  }

  /** Idle closes at ages that do not agree (2, 5 and 9 s) are no pattern: nothing is learned. */
  @Test
  void disagreeingSamplesTeachNothing() {
    try (PoolHarness h = new PoolHarness()) {
      for (int seconds : new int[] {2, 5, 9}) {
        Lease<FakeConnection> lease = h.lease(A);
        lease.close();
        h.ticker.advance(Duration.ofSeconds(seconds));
        lease.connection().peerClose();
      }
      assertReusedAfterIdling(h, Duration.ofSeconds(8));
    }
  }

  /**
   * A connection retired because the learned 5 s timeout is near waits for the server's FIN only
   * until a second past it, not the whole 5 s retirement timeout; a server that did not close by
   * then shows the value wrong, and it is forgotten.
   */
  @Test
  void aRetirementTheServerDoesNotConfirmEndsSoonAndUnlearns() {
    try (PoolHarness h = new PoolHarness()) {
      learnFiveSeconds(h);
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.advance(Duration.ofMillis(4100)); // past 5 s minus the 1 s margin: retiring
      assertThat(h.pool.stats(A).retiring()).isEqualTo(1);
      h.advance(Duration.ofMillis(2000)); // 6.1 s idle: 1.1 s past the server's expected close
      assertThat(h.pool.stats(A).retiring()).isZero();
      assertThat(lease.connection().closedBy).isEqualTo(ClosedBy.ABORT);
      assertReusedAfterIdling(h, Duration.ofMillis(4500));
    }
  }

  private static void learnFiveSeconds(PoolHarness h) {
    for (int i = 0; i < 3; i++) {
      Lease<FakeConnection> lease = h.lease(A);
      lease.close();
      h.ticker.advance(Duration.ofSeconds(5));
      lease.connection().peerClose();
    }
  }

  private static void assertReusedAfterIdling(PoolHarness h, Duration idle) {
    Lease<FakeConnection> lease = h.lease(A);
    lease.close();
    h.ticker.advance(idle);
    Lease<FakeConnection> again = h.lease(A);
    assertThat(again.connection()).isSameAs(lease.connection());
    again.close();
  }
}
