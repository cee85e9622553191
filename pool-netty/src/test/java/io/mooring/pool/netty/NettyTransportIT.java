package io.mooring.pool.netty;

import static io.mooring.pool.netty.testing.TestPools.pool;
import static io.mooring.pool.netty.testing.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.ConnectFailedException;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.mooring.pool.netty.testing.SuppliedGroup;
import io.mooring.pool.netty.testing.TestProtocol;
import io.mooring.pool.netty.testing.TestServer;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transport over real loopback sockets: connect, exchange, and every way a channel ends. */
@ExtendWith(LeakDetectorExtension.class)
class NettyTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void connectsExchangesAndReusesTheConnection(IoMode mode) throws Exception {
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .channelInitializer(TestProtocol::install)
                .build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      assertThat(transport.isEpoll()).isEqualTo(mode == IoMode.EPOLL);
      Destination d = Destination.of("tcp", "localhost", server.port());
      Channel first;
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        first = lease.connection();
        assertThat(PooledChannels.isPooled(first)).isTrue();
        assertThat(transport.localAddress(first)).isEqualTo(first.localAddress());
        assertThat(transport.remoteAddress(first))
            .isEqualTo(new InetSocketAddress("127.0.0.1", server.port()));
        assertThat(TestProtocol.ping(first).get(5, TimeUnit.SECONDS)).isEqualTo((byte) 'p');
        PooledChannels.markIdle(first);
      }
      assertThat(PooledChannels.isIdle(first)).isTrue();
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        assertThat(lease.connection()).isSameAs(first);
        PooledChannels.markLeased(lease.connection());
        assertThat(TestProtocol.ping(first).get(5, TimeUnit.SECONDS)).isEqualTo((byte) 'p');
        PooledChannels.markIdle(first);
      }
      assertThat(server.accepted()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void unexpectedBytesOnAnIdleChannelAbortIt(IoMode mode) throws Exception {
    IoMode.assumeSocketTable();
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .channelInitializer(TestProtocol::install)
                .build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      Channel ch;
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        ch = lease.connection();
        TestProtocol.send(ch, 'S'); // the server will speak unasked in 50 ms
        PooledChannels.markIdle(ch);
      }
      assertThat(pool.stats(d).idle()).isEqualTo(1);
      Await.until("the idle channel to be aborted", WAIT, () -> !ch.isOpen());
      Await.until(
          "the pool to drop it", WAIT, () -> pool.stats(d).total() == 0, () -> pool.stats(d));
      Await.until(
          "no client socket left",
          WAIT,
          () -> SocketTable.clientSocketsAnyState(server.port()) == 0,
          SocketTable::read);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void aResetByThePeerRemovesTheIdleConnection(IoMode mode) throws Exception {
    IoMode.assumeSocketTable();
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .channelInitializer(TestProtocol::install)
                .build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      Channel ch;
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        ch = lease.connection();
        PooledChannels.markIdle(ch);
        TestProtocol.send(ch, 'R'); // the server resets the connection
      }
      Await.until(
          "the pool to drop it", WAIT, () -> pool.stats(d).total() == 0, () -> pool.stats(d));
      // The pool hears of the reset from the pipeline, a moment before the channel is closed.
      Await.until("the channel to close", WAIT, () -> !ch.isOpen(), () -> ch);
      assertThat(SocketTable.clientSocketsAnyState(server.port())).isZero();
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        assertThat(lease.connection()).isNotSameAs(ch);
        assertThat(TestProtocol.ping(lease.connection()).get(5, TimeUnit.SECONDS))
            .isEqualTo((byte) 'p');
        PooledChannels.markIdle(lease.connection());
      }
    }
  }

  @Test
  void connectFailureNamesTheAddress() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (NettyTransport transport = NettyTransport.builder().build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      Destination d = Destination.of("tcp", "127.0.0.1", closedPort);
      assertThatThrownBy(() -> pool.acquire(d, WAIT))
          .isInstanceOf(ConnectFailedException.class)
          .hasMessageContaining("127.0.0.1:" + closedPort);
    }
  }

  @ParameterizedTest
  @EnumSource(SuppliedGroup.class)
  void aSuppliedEventLoopGroupDecidesTheChannelTypeAndIsNotShutDown(SuppliedGroup kind)
      throws Exception {
    EventLoopGroup group = kind.create();
    try (TestServer server = TestServer.start()) {
      try (NettyTransport transport = NettyTransport.builder().eventLoopGroup(group).build();
          ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
        assertThat(transport.isEpoll()).isEqualTo(kind.epoll);
        try (Lease<Channel> lease =
            pool.acquire(Destination.of("tcp", "127.0.0.1", server.port()), WAIT)) {
          assertThat(lease.connection().eventLoop().parent()).isSameAs(group);
          assertThat(lease.connection().isActive()).isTrue();
        }
      }
      assertThat(group.isShuttingDown()).isFalse();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  @SuppressWarnings("deprecation") // a group of both Netty lines that is neither epoll nor NIO
  void aGroupThatIsNeitherEpollNorNioIsRejected() {
    EventLoopGroup group = new DefaultEventLoopGroup(1);
    try {
      assertThatThrownBy(() -> NettyTransport.builder().eventLoopGroup(group).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("eventLoopGroup is a " + DefaultEventLoopGroup.class.getName());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void bindsTheLocalAddress(IoMode mode) throws Exception {
    // Linux routes all of 127.0.0.0/8 to loopback; other systems often configure 127.0.0.1 only.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        SocketTable.available(), "needs Linux, where 127.0.0.2 is a local address");
    InetAddress local = InetAddress.getByName("127.0.0.2");
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder().localBindAddress(local)).build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT));
        Lease<Channel> lease =
            pool.acquire(Destination.of("tcp", "127.0.0.1", server.port()), WAIT)) {
      InetSocketAddress a = transport.localAddress(lease.connection());
      assertThat(a.getAddress()).isEqualTo(local);
      assertThat(a.getPort()).isPositive();
    }
  }

  @Test
  void closingTheTransportAbortsChannelsStillOpen() throws Exception {
    IoMode.assumeSocketTable();
    try (TestServer server = TestServer.start()) {
      NettyTransport transport = NettyTransport.builder().build();
      ConnectionPool<Channel> pool = pool(transport, settings(WAIT));
      Lease<Channel> lease = pool.acquire(Destination.of("tcp", "127.0.0.1", server.port()), WAIT);
      assertThat(transport.openChannels()).isEqualTo(1);
      transport.close(); // while the pool still holds the channel: a leak, but no TIME_WAIT
      assertThat(lease.connection().isOpen()).isFalse();
      Await.until(
          "the socket to go",
          WAIT,
          () -> SocketTable.clientSocketsAnyState(server.port()) == 0,
          SocketTable::read);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      lease.close();
      pool.close();
      assertThatThrownBy(
              () -> transport.connect(Destination.of("tcp", "127.0.0.1", 1), (by, c) -> {}).join())
          .hasMessageContaining("transport is closed");
    }
  }
}
