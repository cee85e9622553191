package io.mooring.pool.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketSettingsTest {

  @Test
  void defaultsAreNoDelayAndATenSecondConnectTimeout() {
    SocketSettings s = SocketSettings.defaults();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.tcpNoDelay()).isTrue();
    assertThat(s.soKeepAlive()).isFalse();
    assertThat(s.receiveBufferSize()).isZero();
  }

  @Test
  void buildNamesTheSettingOutOfRange() {
    assertThatThrownBy(() -> SocketSettings.builder().connectTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout is PT0S");
    assertThatThrownBy(() -> SocketSettings.builder().receiveBufferSize(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receiveBufferSize is -1");
  }

  @Test
  void theWatchDelayIsZeroToOneSecond() {
    assertThatThrownBy(() -> IdleSocketWatcher.start(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("watchDelay is PT2S");
    assertThatThrownBy(() -> IdleSocketWatcher.start(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    try (IdleSocketWatcher w = IdleSocketWatcher.start()) {
      assertThat(w.watchDelay()).isEqualTo(IdleSocketWatcher.DEFAULT_WATCH_DELAY);
    }
  }
}
