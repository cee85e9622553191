package io.mooring.pool.netty.testing;

import io.mooring.pool.ConnectionPool;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.NettyTransport;
import io.netty.channel.Channel;
import java.time.Duration;

/** The pools the socket tests put on a transport. */
public final class TestPools {
  private TestPools() {}

  /**
   * Pool settings the socket tests start from: an acquire waits up to {@code acquireTimeout}, and a
   * close waits one second for leases, so a test that fails with a lease out still ends quickly.
   */
  public static PoolSettings.Builder settings(Duration acquireTimeout) {
    return PoolSettings.builder()
        .acquireTimeout(acquireTimeout)
        .shutdownGracePeriod(Duration.ofSeconds(1));
  }

  /**
   * A pool on {@code transport} with {@code settings}; the caller closes it before the transport.
   */
  public static ConnectionPool<Channel> pool(
      NettyTransport transport, PoolSettings.Builder settings) {
    return ConnectionPool.builder(transport).settings(settings.build()).build();
  }
}
