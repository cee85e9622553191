package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import java.time.Duration;

/** Kernel-table assertions on connections a cancelled or timed-out call gave up. */
final class AbortedConnections {
  private AbortedConnections() {}

  /**
   * Waits until the client holds no connection to {@code port} (ESTABLISHED, FIN_WAIT or any state
   * but TIME_WAIT), then asserts that none left a client TIME_WAIT: the client reset them (RST)
   * rather than closing first with a FIN.
   */
  static void assertAllAborted(int port) {
    Await.until(
        "the client's connections to port " + port + " to be gone",
        Duration.ofSeconds(10),
        () -> SocketTable.clientSocketsAnyState(port) == SocketTable.clientTimeWait(port),
        () -> SocketTable.read().stream().filter(e -> e.remotePort() == port).toList());
    assertThat(SocketTable.clientTimeWait(port))
        .as("client TIME_WAIT (a FIN, not an RST)")
        .isZero();
  }
}
