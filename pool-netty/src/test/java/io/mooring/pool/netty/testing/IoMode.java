package io.mooring.pool.netty.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.netty.NettyTransport;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.epoll.Epoll;

/** The two I/O transports every socket test runs on. */
public enum IoMode {
  NIO,
  EPOLL;

  /** A transport builder for this mode; skips (with the reason) where epoll is unavailable. */
  public NettyTransport.Builder builder(NettySettings.Builder settings) {
    return builder(settings, 2);
  }

  /** {@link #builder(NettySettings.Builder)} with {@code ioThreads} event loops. */
  public NettyTransport.Builder builder(NettySettings.Builder settings, int ioThreads) {
    if (this == EPOLL) {
      assumeTrue(
          Epoll.isAvailable(), () -> "native epoll unavailable: " + Epoll.unavailabilityCause());
    }
    return NettyTransport.builder()
        .settings(settings.forceNio(this == NIO).ioThreads(ioThreads).build());
  }

  /** Skips, saying why, where the kernel socket table cannot be read. */
  public static void assumeSocketTable() {
    assumeTrue(
        SocketTable.available(),
        "needs Linux /proc/net/tcp to read TIME_WAIT and CLOSE_WAIT from the kernel");
  }
}
