package io.mooring.pool;

import static io.mooring.pool.PoolHarness.A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.FakeTransport.FakeConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The meters of two pools never merge: default names are unique, explicit duplicates refused. */
class PoolNamesTest {
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);

  /** A pool on {@code registry}, or with no registry for null. */
  private ConnectionPool<FakeConnection> pool(MeterRegistry registry, PoolSettings settings) {
    ConnectionPool.Builder<FakeConnection> b =
        ConnectionPool.builder(new FakeTransport())
            .settings(settings)
            .ticker(ticker)
            .scheduler(scheduler)
            .executor(Runnable::run);
    if (registry != null) {
      b.meterRegistry(registry);
    }
    return b.build();
  }

  private static double max(MeterRegistry registry, String pool) {
    var g = registry.find("mooring.connections.max").tag("pool", pool).gauge();
    return g == null ? -1 : g.value();
  }

  @Test
  void twoPoolsWithDefaultSettingsOnOneRegistryKeepTheirOwnMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PoolSettings expiring =
        PoolSettings.builder()
            .maxConnectionsPerDestination(3)
            .destinationExpiry(Duration.ofMinutes(1))
            .maxIdleTime(Duration.ofSeconds(10))
            .build();
    try (ConnectionPool<FakeConnection> one = pool(registry, expiring);
        ConnectionPool<FakeConnection> two =
            pool(registry, expiring.toBuilder().maxConnectionsPerDestination(5).build())) {
      assertThat(one.name()).startsWith("mooring");
      assertThat(two.name()).startsWith("mooring-").isNotEqualTo(one.name());
      one.acquire(A).join().close();
      Lease<FakeConnection> held = two.acquire(A).join();
      assertThat(max(registry, one.name())).isEqualTo(3);
      assertThat(max(registry, two.name())).isEqualTo(5);
      // One pool's destination expires; the other's meters stay.
      scheduler.advance(Duration.ofMinutes(2));
      assertThat(one.stats(A).total()).isZero();
      assertThat(max(registry, one.name())).isEqualTo(-1);
      assertThat(max(registry, two.name())).isEqualTo(5);
      assertThat(
              registry
                  .find("mooring.connections")
                  .tags("pool", two.name(), "state", "active")
                  .gauge()
                  .value())
          .isEqualTo(1);
      held.close();
    }
  }

  @Test
  void anExplicitNameInUseOnTheSameRegistryIsRefusedUntilThatPoolIsClosed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PoolSettings orders = PoolSettings.builder().name("orders").build();
    ConnectionPool<FakeConnection> first = pool(registry, orders);
    assertThat(first.name()).isEqualTo("orders");
    assertThatThrownBy(() -> pool(registry, orders))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "pool name 'orders' is in use by another open pool on this MeterRegistry; the meters"
                + " of the two pools would merge: give each pool its own PoolSettings.name, or"
                + " close the other pool first");
    pool(new SimpleMeterRegistry(), orders).close(); // another registry: no meters to merge
    pool(null, orders).close(); // no registry at all
    first.close();
    ConnectionPool<FakeConnection> again = pool(registry, orders);
    assertThat(again.name()).isEqualTo("orders");
    again.close();
  }

  @Test
  void aDefaultNameIsFreeAgainOnceItsPoolIsClosed() {
    ConnectionPool<FakeConnection> first = pool(null, PoolSettings.defaults());
    ConnectionPool<FakeConnection> second = pool(null, PoolSettings.defaults());
    assertThat(second.name()).isNotEqualTo(first.name());
    second.close();
    ConnectionPool<FakeConnection> third = pool(null, PoolSettings.defaults());
    assertThat(third.name()).isEqualTo(second.name());
    third.close();
    first.close();
  }

  @Test
  void aDefaultPoolAvoidsAnExplicitNameOnItsRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ConnectionPool<FakeConnection> named =
        pool(registry, PoolSettings.builder().name("mooring").build());
    ConnectionPool<FakeConnection> unnamed = pool(registry, PoolSettings.defaults());
    assertThat(unnamed.name()).isNotEqualTo("mooring");
    unnamed.close();
    named.close();
  }
}
