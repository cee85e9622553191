package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.testing.Await;
import java.io.File;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the client's engine holds besides its connections. */
class EngineResourcesIT {

  /**
   * A client whose pool cannot be built (its explicit name is taken on the registry) closes the
   * transport it built first: its event loops' descriptors (epoll or selector, event and timer
   * descriptors) are released, so the process's open descriptors return to where they were.
   */
  @Test
  void aClientWhosePoolFailsToBuildLeavesNoTransportBehind() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PoolSettings named = PoolSettings.builder().name("engine-resources").build();
    NettySettings loops = NettySettings.builder().ioThreads(2).build();
    try (MooringHttpClient first =
        MooringHttpClient.newBuilder().poolSettings(named).meterRegistry(registry).build()) {
      assertThat(first.toString()).contains("engine-resources");
      MooringHttpClient.Builder duplicate =
          MooringHttpClient.newBuilder()
              .poolSettings(named)
              .nettySettings(loops)
              .meterRegistry(registry);
      assertThatThrownBy(duplicate::build).isInstanceOf(IllegalStateException.class); // warm-up
      long before = openDescriptors();
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(duplicate::build)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("engine-resources");
      }
      // Five leaked transports would hold at least two descriptors per event loop each.
      Await.until(
          "descriptors of the failed clients' transports closed",
          Duration.ofSeconds(10),
          () -> openDescriptors() <= before + 2,
          () -> openDescriptors() + " open, " + before + " before");
    }
  }

  private static long openDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }
}
