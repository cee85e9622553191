package io.mooring.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolSettingsTest {

  @Test
  void defaults() {
    PoolSettings s = PoolSettings.defaults();
    assertThat(s.name()).isEqualTo("mooring");
    assertThat(s.maxConnectionsPerDestination()).isEqualTo(32);
    assertThat(s.maxConnectionsTotal()).isEqualTo(512);
    assertThat(s.maxPendingAcquires()).isEqualTo(1000);
    assertThat(s.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.maxIdleTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.maxLifetime()).isZero();
    assertThat(s.lifetimeJitter()).isEqualTo(0.1);
    assertThat(s.maxRequestsPerConnection()).isZero();
    assertThat(s.closePolicy()).isEqualTo(ClosePolicy.PEER_FIRST);
    assertThat(s.fallbackClose()).isEqualTo(CloseMode.ABORT);
    assertThat(s.retirementTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.reuseOrder()).isEqualTo(ReuseOrder.LIFO);
    assertThat(s.serverIdleTimeout()).isZero();
    assertThat(s.keepAliveSafetyMargin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.learnServerIdleTimeout()).isTrue();
    assertThat(s.leakDetectionThreshold()).isZero();
    assertThat(s.destinationExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.maxDestinations()).isEqualTo(10_000);
    assertThat(s.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.connectRetryBudget()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.bargingWindow()).isEqualTo(Duration.ofNanos(200_000));
    assertThat(s.isDefaultName()).isTrue();
  }

  @Test
  void toBuilderKeepsEveryValue() {
    PoolSettings s =
        PoolSettings.builder()
            .name("orders")
            .maxConnectionsPerDestination(3)
            .maxConnectionsTotal(9)
            .maxPendingAcquires(0)
            .acquireTimeout(Duration.ofSeconds(2))
            .maxIdleTime(Duration.ofSeconds(20))
            .maxLifetime(Duration.ofMinutes(30))
            .lifetimeJitter(0.25)
            .maxRequestsPerConnection(100)
            .closePolicy(ClosePolicy.ABORT)
            .fallbackClose(CloseMode.GRACEFUL)
            .retirementTimeout(Duration.ofSeconds(1))
            .reuseOrder(ReuseOrder.FIFO)
            .serverIdleTimeout(Duration.ofSeconds(60))
            .keepAliveSafetyMargin(Duration.ofSeconds(2))
            .learnServerIdleTimeout(false)
            .leakDetectionThreshold(Duration.ofSeconds(30))
            .destinationExpiry(Duration.ofMinutes(1))
            .maxDestinations(5)
            .shutdownGracePeriod(Duration.ZERO)
            .connectRetryBudget(Duration.ofMillis(300))
            .bargingWindow(Duration.ZERO)
            .build();
    assertThat(s.toBuilder().build()).hasToString(s.toString());
    assertThat(s.toBuilder().build().isDefaultName()).isFalse();
    assertThat(s.toString())
        .contains(
            "name=orders",
            "maxLifetime=PT30M",
            "reuseOrder=FIFO",
            "connectRetryBudget=PT0.3S",
            "bargingWindow=PT0S");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(b -> b.name(" "), "name is ' '; expected a non-empty name of visible ASCII characters"),
        bad(
            b -> b.maxConnectionsPerDestination(0),
            "maxConnectionsPerDestination is 0; expected 1..1000000"),
        bad(b -> b.maxConnectionsTotal(-1), "maxConnectionsTotal is -1; expected 1..1000000"),
        bad(
            b -> b.maxConnectionsPerDestination(10).maxConnectionsTotal(5),
            "maxConnectionsTotal is 5 but maxConnectionsPerDestination is 10; expected"
                + " maxConnectionsTotal >= maxConnectionsPerDestination"),
        bad(b -> b.maxPendingAcquires(-1), "maxPendingAcquires is -1; expected 0..10000000"),
        bad(
            b -> b.acquireTimeout(Duration.ZERO),
            "acquireTimeout is PT0S; expected more than PT0S, at most PT24H"),
        bad(
            b -> b.maxIdleTime(Duration.ofDays(2)),
            "maxIdleTime is PT48H; expected more than PT0S, at most PT24H"),
        bad(
            b -> b.maxLifetime(Duration.ofSeconds(-1)),
            "maxLifetime is PT-1S; expected PT0S to PT8760H"),
        bad(b -> b.lifetimeJitter(0.6), "lifetimeJitter is 0.6; expected a fraction in [0, 0.5]"),
        bad(
            b -> b.lifetimeJitter(Double.NaN),
            "lifetimeJitter is NaN; expected a fraction in [0, 0.5]"),
        bad(
            b -> b.maxRequestsPerConnection(-5),
            "maxRequestsPerConnection is -5; expected 0..2147483647"),
        bad(
            b -> b.retirementTimeout(Duration.ZERO),
            "retirementTimeout is PT0S; expected more than PT0S, at most PT10M"),
        bad(
            b ->
                b.serverIdleTimeout(Duration.ofSeconds(1))
                    .keepAliveSafetyMargin(Duration.ofSeconds(1)),
            "keepAliveSafetyMargin is PT1S but serverIdleTimeout is PT1S; expected keepAliveSafetyMargin <"
                + " serverIdleTimeout"),
        bad(
            b -> b.leakDetectionThreshold(Duration.ofDays(3)),
            "leakDetectionThreshold is PT72H; expected PT0S to PT24H"),
        bad(
            b -> b.destinationExpiry(Duration.ZERO),
            "destinationExpiry is PT0S; expected more than PT0S, at most PT24H"),
        bad(b -> b.maxDestinations(0), "maxDestinations is 0; expected 1..10000000"),
        bad(
            b -> b.shutdownGracePeriod(Duration.ofHours(2)),
            "shutdownGracePeriod is PT2H; expected PT0S to PT1H"),
        bad(
            b -> b.connectRetryBudget(Duration.ofMillis(-1)),
            "connectRetryBudget is PT-0.001S; expected PT0S to PT10M"),
        bad(
            b -> b.connectRetryBudget(Duration.ofMinutes(11)),
            "connectRetryBudget is PT11M; expected PT0S to PT10M"),
        bad(
            b -> b.bargingWindow(Duration.ofNanos(-1)),
            "bargingWindow is PT-0.000000001S; expected PT0S to PT1S"),
        bad(
            b -> b.bargingWindow(Duration.ofMillis(1001)),
            "bargingWindow is PT1.001S; expected PT0S to PT1S"));
  }

  private static Arguments bad(UnaryOperator<PoolSettings.Builder> change, String message) {
    return Arguments.of(change, message);
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsInvalidValuesNamingSettingValueAndRange(
      UnaryOperator<PoolSettings.Builder> change, String message) {
    PoolSettings.Builder b = change.apply(PoolSettings.builder());
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void rejectsNullAtOnce() {
    assertThatThrownBy(() -> PoolSettings.builder().acquireTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("acquireTimeout");
  }
}
