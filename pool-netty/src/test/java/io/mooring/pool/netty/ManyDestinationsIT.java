package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.FakeTicker;
import io.mooring.pool.Lease;
import io.mooring.pool.ManualScheduler;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.TestProtocol;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service that calls 1,000 distinct destinations (127.0.x.y, one port) a few times each: threads
 * stay bounded, no connection of an expired destination stays reachable on the heap, the idle
 * connections go without a client TIME_WAIT, every meter of an expired destination is removed, and
 * nothing stays ESTABLISHED. The pool's clock is fake, so idle retirement and destination expiry
 * happen when the test moves time.
 */
class ManyDestinationsIT {
  private static final int DESTINATIONS = 1_000;
  private static final int WARM_UP = 50;
  private static final int REQUESTS_EACH = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Every connection the test leased, weakly: once expired, nothing may keep them. */
  private static final List<java.lang.ref.WeakReference<Channel>> CONNECTIONS =
      java.util.Collections.synchronizedList(new ArrayList<>());

  @Test
  void thousandsOfDestinationsLeaveBoundedHeapThreadsAndNoMetersOrSockets() throws Exception {
    IoMode.assumeSocketTable();
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CONNECTIONS.clear();
    try (Acceptor server = new Acceptor(DESTINATIONS);
        NettyTransport transport =
            NettyTransport.builder().channelInitializer(TestProtocol::install).build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport)
                .settings(
                    PoolSettings.builder()
                        .maxConnectionsTotal(2 * DESTINATIONS)
                        .maxIdleTime(Duration.ofSeconds(10))
                        .destinationExpiry(Duration.ofMinutes(1))
                        .shutdownGracePeriod(Duration.ofSeconds(1))
                        .build())
                .meterRegistry(registry)
                .ticker(ticker)
                .scheduler(scheduler)
                .build()) {
      int port = server.port;
      // Warm-up: the first destinations come and go, so that what stays for good (classes, the
      // transport's event loops and buffers) is in the baseline.
      for (int i = 0; i < WARM_UP; i++) {
        use(pool, server.destination(i));
      }
      expireAll(scheduler, port);
      long heapWarm = usedHeapAfterGc();
      int threadsWarm = ManagementFactory.getThreadMXBean().getThreadCount();

      for (int i = WARM_UP; i < DESTINATIONS; i++) {
        use(pool, server.destination(i));
      }
      int threadsAll = ManagementFactory.getThreadMXBean().getThreadCount();
      long heapLive = usedHeapAfterGc();
      assertThat(server.accepted.size()).isEqualTo(DESTINATIONS); // one connection each, reused
      assertThat(SocketTable.clientSockets(port, SocketTable.ESTABLISHED))
          .isEqualTo(DESTINATIONS - WARM_UP);
      assertThat(registry.find("mooring.connections.max").gauges()).hasSize(DESTINATIONS - WARM_UP);

      expireAll(scheduler, port);
      List<Meter> left =
          registry.getMeters().stream()
              .filter(m -> m.getId().getTag("destination") != null)
              .toList();
      assertThat(left).isEmpty();
      long heapAfter = usedHeapAfterGc();
      System.out.printf(
          "%d destinations x %d requests: threads %d after %d destinations, %d after all;"
              + " heap %d KB warm, %d KB with %d destinations live, %d KB once they expired%n",
          DESTINATIONS,
          REQUESTS_EACH,
          threadsWarm,
          WARM_UP,
          threadsAll,
          heapWarm / 1024,
          heapLive / 1024,
          DESTINATIONS - WARM_UP,
          heapAfter / 1024);
      assertThat(threadsAll)
          .as("threads do not grow with destinations")
          .isLessThanOrEqualTo(threadsWarm + 2);
      // Nothing keeps the expired destinations' connections: the heap figures above are printed
      // only, since other tests share this JVM's heap.
      usedHeapAfterGc();
      assertThat(CONNECTIONS.stream().filter(r -> r.get() != null).count())
          .as("connections of expired destinations still reachable")
          .isZero();
      pool.closeAsync().get(10, TimeUnit.SECONDS);
      assertThat(SocketTable.clientSockets(port, SocketTable.ESTABLISHED)).isZero();
      assertThat(SocketTable.clientTimeWait(port)).isZero();
    }
  }

  /**
   * Moves the pool's clock past maxIdleTime (every idle connection is aborted: RST, so no client
   * TIME_WAIT) and then past destinationExpiry (every destination and its meters are removed).
   */
  private static void expireAll(ManualScheduler scheduler, int port) {
    scheduler.advance(Duration.ofSeconds(10));
    Await.until(
        "no client socket ESTABLISHED",
        WAIT,
        () -> SocketTable.clientSockets(port, SocketTable.ESTABLISHED) == 0,
        () -> SocketTable.clientSockets(port, SocketTable.ESTABLISHED));
    assertThat(SocketTable.clientTimeWait(port)).isZero();
    scheduler.advance(Duration.ofMinutes(1));
  }

  /** {@value #REQUESTS_EACH} pings, each on a lease of its own. */
  private static void use(ConnectionPool<Channel> pool, Destination d) throws Exception {
    for (int r = 0; r < REQUESTS_EACH; r++) {
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        if (r == 0) {
          CONNECTIONS.add(new java.lang.ref.WeakReference<>(lease.connection()));
        }
        assertThat(TestProtocol.ping(lease.connection()).get(10, TimeUnit.SECONDS))
            .isEqualTo((byte) 'p');
      }
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing finish between collections
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Answers {@code 'P'} with {@code 'p'} on one port of {@code n} loopback addresses (127.0.1.1,
   * 127.0.1.2, ...), all on one event loop; closes by resetting whatever is still open.
   */
  private static final class Acceptor implements AutoCloseable {
    // Deprecated on Netty 4.2, but the one NIO group both Netty lines have (the tests run on both).
    @SuppressWarnings("deprecation")
    final EventLoopGroup group = new NioEventLoopGroup(1);

    final List<Channel> listeners = new ArrayList<>();
    final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    final int port;

    Acceptor(int n) {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      accepted.add(ch);
                      ch.pipeline().addLast(new Pong());
                    }
                  });
      int bound = -1;
      for (int attempt = 0; attempt < 10 && bound < 0; attempt++) {
        closeListeners();
        try {
          Channel first = b.bind(address(0, 0)).syncUninterruptibly().channel();
          listeners.add(first);
          int p = ((InetSocketAddress) first.localAddress()).getPort();
          for (int i = 1; i < n; i++) {
            listeners.add(b.bind(address(i, p)).syncUninterruptibly().channel());
          }
          bound = p;
        } catch (RuntimeException e) {
          bound = -1; // the port was taken on one of the addresses: try another
        }
      }
      if (bound < 0) {
        close();
        throw new IllegalStateException("could not bind " + n + " loopback addresses");
      }
      port = bound;
    }

    private static InetSocketAddress address(int i, int port) {
      return new InetSocketAddress("127.0." + (1 + i / 250) + "." + (1 + i % 250), port);
    }

    Destination destination(int i) {
      return Destination.of("tcp", address(i, port).getHostString(), port);
    }

    private void closeListeners() {
      listeners.forEach(Channel::close);
      listeners.clear();
    }

    @Override
    public void close() {
      closeListeners();
      for (Channel c : accepted) {
        if (c.isOpen()) {
          c.config().setOption(ChannelOption.SO_LINGER, 0);
          c.close();
        }
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** The server half of the one-byte protocol: {@code 'P'} in, {@code 'p'} out. */
  private static final class Pong extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        while (in.isReadable()) {
          if (in.readByte() == 'P') {
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('p'));
          }
        }
      } finally {
        in.release();
      }
    }
  }
}
