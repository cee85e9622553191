package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.CloseMode;
import io.mooring.pool.ClosePolicy;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.mooring.pool.netty.testing.TestPools;
import io.mooring.pool.netty.testing.TestProtocol;
import io.mooring.pool.netty.testing.TestServer;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mission's promise over real loopback sockets, on NIO and on epoll: the client never keeps a
 * TIME_WAIT (or a CLOSE_WAIT) socket unless told to close gracefully. Every claim is read from the
 * kernel's socket table for the test server's port, never from the pool's own counters.
 */
@ExtendWith(LeakDetectorExtension.class)
class TimeWaitIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @BeforeEach
  void needsTheKernelTable() {
    IoMode.assumeSocketTable();
  }

  private static PoolSettings.Builder settings(int max) {
    return TestPools.settings(WAIT)
        .maxConnectionsPerDestination(max)
        .maxConnectionsTotal(max)
        .maxPendingAcquires(max);
  }

  /** Leases {@code n} connections at once, so that {@code n} distinct sockets are opened. */
  private static List<Lease<Channel>> leaseAll(ConnectionPool<Channel> pool, Destination d, int n) {
    List<CompletableFuture<Lease<Channel>>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(pool.acquire(d));
    }
    List<Lease<Channel>> leases = new ArrayList<>(n);
    for (CompletableFuture<Lease<Channel>> f : futures) {
      leases.add(f.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
    }
    return leases;
  }

  private static void idleAll(List<Lease<Channel>> leases) {
    for (Lease<Channel> lease : leases) {
      PooledChannels.markIdle(lease.connection());
      lease.close();
    }
  }

  private static void awaitNoClientSocket(TestServer server) {
    Await.until(
        "every client socket to port " + server.port() + " to be gone",
        WAIT,
        () -> SocketTable.clientSocketsAnyState(server.port()) == 0,
        () -> SocketTable.count(e -> e.remotePort() == server.port()) + " client sockets left");
  }

  /** 1. PEER_FIRST, the server honours the close request: the TIME_WAIT lands on the server. */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void peerFirstRetirementLeavesNoClientTimeWait(IoMode mode) {
    int n = 1_000;
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .peerCloseRequester(TestProtocol.PLEASE_CLOSE)
                .build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport)
                .settings(settings(n).maxRequestsPerConnection(1).build())
                .build()) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      List<Lease<Channel>> leases = leaseAll(pool, d, n);
      assertThat(leases).allMatch(Lease::isLastUse);
      idleAll(leases); // each is retired: the pool asks the server to close, and waits

      Await.until("all retired", WAIT, () -> pool.stats(d).total() == 0, () -> pool.stats(d));
      awaitNoClientSocket(server);
      assertThat(server.serverCloses()).isEqualTo(n);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      // The other side of the coin: the server closed first, so it holds the TIME_WAITs: about
      // one per connection (a busy machine's kernel table, read while other tests churn sockets,
      // can miss a few entries; the zero above is exact either way).
      assertThat(SocketTable.serverTimeWait(server.port())).isBetween(n * 95L / 100, (long) n);
    }
  }

  /** 2. The server ignores close requests: the fallback ABORT runs at the retirement deadline. */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void ignoredCloseRequestFallsBackToAbortWithinTheRetirementTimeout(IoMode mode) {
    int n = 300;
    Duration retirement = Duration.ofMillis(300);
    try (TestServer server = TestServer.start(false, null, null);
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .peerCloseRequester(TestProtocol.PLEASE_CLOSE)
                .build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport)
                .settings(
                    settings(n)
                        .maxRequestsPerConnection(1)
                        .retirementTimeout(retirement)
                        .fallbackClose(CloseMode.ABORT)
                        .build())
                .build()) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      List<Lease<Channel>> leases = leaseAll(pool, d, n);
      long released = System.nanoTime();
      idleAll(leases);
      assertThat(pool.stats(d).retiring()).isEqualTo(n);

      Await.until("all aborted", WAIT, () -> pool.stats(d).total() == 0, () -> pool.stats(d));
      awaitNoClientSocket(server);
      Duration took = Duration.ofNanos(System.nanoTime() - released);
      // It waited for the peer, then aborted without waiting for the housekeeper's 1 s tick.
      assertThat(took).isBetween(retirement.minusMillis(50), retirement.plusMillis(700));
      assertThat(server.serverCloses()).isZero();
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.serverTimeWait(server.port())).isZero();
    }
  }

  /** 3. GRACEFUL closes first: one client TIME_WAIT per close, so the assertion above can fail. */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void gracefulCloseLeavesOneClientTimeWaitPerClose(IoMode mode) {
    int n = 200;
    try (TestServer server = TestServer.start();
        NettyTransport transport = mode.builder(NettySettings.builder()).build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport)
                .settings(
                    settings(n)
                        .maxRequestsPerConnection(1)
                        .closePolicy(ClosePolicy.GRACEFUL)
                        .build())
                .build()) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      idleAll(leaseAll(pool, d, n));
      assertThat(pool.stats(d).total()).isZero();

      // About one client TIME_WAIT per close: the assertion the other tests rely on can fail.
      Await.until(
          "the client TIME_WAITs to appear",
          WAIT,
          () -> SocketTable.clientTimeWait(server.port()) >= n * 95L / 100,
          () -> SocketTable.clientTimeWait(server.port()));
      assertThat(SocketTable.clientTimeWait(server.port())).isBetween(n * 95L / 100, (long) n);
      assertThat(SocketTable.serverTimeWait(server.port())).isZero();
    }
  }

  /**
   * 4. The server closes idle connections: the client closes its half within the tick, so no
   * CLOSE_WAIT remains after 100 ms and the idle count drops at once; the next acquire connects
   * afresh.
   */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void serverIdleCloseLeavesNoCloseWaitAndTheNextAcquireConnectsAfresh(IoMode mode)
      throws Exception {
    int n = 50;
    try (TestServer server = TestServer.start(true, Duration.ofMillis(300), null);
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .channelInitializer(TestProtocol::install)
                .build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport).settings(settings(n).build()).build()) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      List<Lease<Channel>> leases = leaseAll(pool, d, n);
      Set<Integer> oldPorts = new HashSet<>();
      for (Lease<Channel> lease : leases) {
        oldPorts.add(transport.localAddress(lease.connection()).getPort());
        assertThat(TestProtocol.ping(lease.connection()).get(5, TimeUnit.SECONDS))
            .isEqualTo((byte) 'p');
      }
      idleAll(leases);
      assertThat(pool.stats(d).idle()).isEqualTo(n);

      Await.until("the server to close them all", WAIT, () -> server.serverCloses() == n);
      Duration cleared =
          Await.until(
              "no client CLOSE_WAIT and no idle connection",
              Duration.ofMillis(100),
              () -> SocketTable.clientCloseWait(server.port()) == 0 && pool.stats(d).idle() == 0,
              () -> SocketTable.clientCloseWait(server.port()) + " CLOSE_WAIT, " + pool.stats(d));
      System.out.printf(
          "[%s] CLOSE_WAIT and idle gauge cleared %s after the server's close%n", mode, cleared);
      assertThat(pool.stats(d).total()).isZero();

      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        assertThat(oldPorts).doesNotContain(transport.localAddress(lease.connection()).getPort());
        assertThat(TestProtocol.ping(lease.connection()).get(5, TimeUnit.SECONDS))
            .isEqualTo((byte) 'p');
        PooledChannels.markIdle(lease.connection());
      }
      assertThat(server.accepted()).isEqualTo(n + 1);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    }
  }

  /** 5. Closing the pool with 500 idle connections aborts them: no client TIME_WAIT. */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void shutdownWithIdleConnectionsLeavesNoClientTimeWait(IoMode mode) {
    int n = 500;
    try (TestServer server = TestServer.start();
        NettyTransport transport = mode.builder(NettySettings.builder()).build()) {
      ConnectionPool<Channel> pool =
          ConnectionPool.builder(transport).settings(settings(n).build()).build();
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      idleAll(leaseAll(pool, d, n));
      assertThat(pool.stats(d).idle()).isEqualTo(n);
      assertThat(SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED)).isEqualTo(n);

      pool.close();

      awaitNoClientSocket(server);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.serverTimeWait(server.port())).isZero();
      Await.until("the server to see the resets", WAIT, () -> server.openConnections() == 0);
    }
  }
}
