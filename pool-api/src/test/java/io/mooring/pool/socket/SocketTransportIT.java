package io.mooring.pool.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.ClosePolicy;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocking-socket transport over real loopback sockets: every claim about TIME_WAIT and
 * CLOSE_WAIT is read from the kernel's socket table, not from the pool's counters.
 */
class SocketTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private EchoServer server;
  private Destination destination;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    assumeTrue(SocketTable.available(), "needs the kernel's socket table (/proc/net/tcp)");
    server = EchoServer.start();
    destination = Destination.of("tcp", "127.0.0.1", server.port());
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ConnectionPool<WatchedSocket> pool(Duration watchDelay, PoolSettings settings) {
    IdleSocketWatcher watcher = IdleSocketWatcher.start(watchDelay);
    SocketTransport<WatchedSocket> transport =
        SocketTransport.builder((WatchedSocket s) -> s).watcher(watcher).build();
    ConnectionPool<WatchedSocket> pool =
        ConnectionPool.builder(transport).settings(settings).meterRegistry(registry).build();
    toClose.add(watcher);
    toClose.add(transport);
    toClose.add(pool);
    return pool;
  }

  private static PoolSettings.Builder settings(int max) {
    return PoolSettings.builder()
        .maxConnectionsPerDestination(max)
        .maxConnectionsTotal(max)
        .acquireTimeout(WAIT)
        .shutdownGracePeriod(Duration.ofSeconds(1));
  }

  /** One byte there and back on the lessee's thread; connects the socket first if needed. */
  private static void exchange(WatchedSocket s, int b) throws IOException {
    if (!s.isConnected()) {
      s.connect();
    }
    OutputStream out = s.socket().getOutputStream();
    InputStream in = s.socket().getInputStream();
    out.write(b);
    out.flush();
    assertThat(in.read()).as("echo of %s", (char) b).isEqualTo(b);
  }

  private double closed(String closedBy) {
    return registry
        .find("mooring.connections.closed")
        .tag("closed_by", closedBy)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private long clientSocketsOnPort(int localPort, int state) {
    return SocketTable.count(e -> e.localPort() == localPort && e.state() == state);
  }

  @ParameterizedTest(name = "watchDelay {0} ms")
  @ValueSource(longs = {0, 20})
  void aPeerFinOnAnIdleSocketTakesItOutWithin100msAndLeavesNoCloseWait(long delayMs)
      throws Exception {
    ConnectionPool<WatchedSocket> pool = pool(Duration.ofMillis(delayMs), settings(4).build());
    int localPort;
    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
      exchange(lease.connection(), 'x');
      localPort = lease.connection().localAddress().getPort();
    }
    assertThat(pool.stats(destination).idle()).isEqualTo(1);

    server.closeAll(); // the server's FIN, moments after the release: the worst case
    // Timed on the pool (cheap to poll); our half is closed before the pool is told.
    Duration took =
        Await.until(
            "the idle connection to leave the pool",
            WAIT,
            () -> pool.stats(destination).total() == 0,
            () -> pool.stats(destination).toString());
    assertThat(clientSocketsOnPort(localPort, SocketTable.CLOSE_WAIT)).isZero();
    System.out.printf("watchDelay %d ms: peer FIN handled in %d ms%n", delayMs, took.toMillis());
    assertThat(took).isLessThan(Duration.ofMillis(100));
    assertThat(closed("peer")).isEqualTo(1);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();

    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
      assertThat(lease.connection().isConnected()).as("a new connection").isFalse();
      exchange(lease.connection(), 'y');
    }
  }

  @Test
  void aFinOnASocketIdleLongerThanTheDelayIsSeenAtOnce() throws Exception {
    ConnectionPool<WatchedSocket> pool = pool(Duration.ofMillis(20), settings(4).build());
    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
      exchange(lease.connection(), 'x');
    }
    Thread.sleep(100); // let the watcher register it: now only the selector can see the FIN
    server.closeAll();
    Duration took =
        Await.until(
            "the idle connection to leave the pool",
            WAIT,
            () -> pool.stats(destination).total() == 0);
    assertThat(SocketTable.clientCloseWait(server.port())).isZero();
    System.out.printf("registered socket: peer FIN handled in %d ms%n", took.toMillis());
    assertThat(took).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void closingThePoolAbortsIdleSocketsWithAResetAndNoTimeWait() throws Exception {
    ConnectionPool<WatchedSocket> pool = pool(Duration.ofMillis(20), settings(4).build());
    List<Lease<WatchedSocket>> leases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      leases.add(pool.acquire(destination, WAIT));
    }
    for (Lease<WatchedSocket> lease : leases) {
      exchange(lease.connection(), 'a');
      lease.close();
    }
    Thread.sleep(60); // some registered with the selector, which must close them too
    pool.close();

    Await.until(
        "the server to see three resets",
        WAIT,
        () -> server.resets() == 3,
        () -> server.resets() + " resets");
    Await.until(
        "every client socket to be gone",
        WAIT,
        () -> SocketTable.clientSocketsAnyState(server.port()) == 0,
        () -> SocketTable.count(e -> e.remotePort() == server.port()) + " left");
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    assertThat(SocketTable.serverTimeWait(server.port())).isZero();
  }

  @Test
  void underTheGracefulPolicyTheClientKeepsTheTimeWaitTheTableCanSee() throws Exception {
    // The control for the test above: the socket table does show a client close.
    ConnectionPool<WatchedSocket> pool =
        pool(Duration.ofMillis(20), settings(4).closePolicy(ClosePolicy.GRACEFUL).build());
    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
      exchange(lease.connection(), 'a');
    }
    pool.close();
    Await.until("a client TIME_WAIT", WAIT, () -> SocketTable.clientTimeWait(server.port()) == 1);
  }

  @Test
  void unexpectedBytesOnAnIdleSocketAbortIt() throws Exception {
    ConnectionPool<WatchedSocket> pool = pool(Duration.ofMillis(20), settings(4).build());
    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
      exchange(lease.connection(), 'x');
    }
    server.sendToAll('!');
    Await.until(
        "the connection to be aborted",
        WAIT,
        () -> pool.stats(destination).total() == 0 && server.resets() == 1,
        () -> pool.stats(destination) + ", resets " + server.resets());
    assertThat(closed("abort")).isEqualTo(1);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    assertThat(SocketTable.clientCloseWait(server.port())).isZero();
  }

  @Test
  void aSocketWhosePeerWasAskedToCloseClosesOnThePeersFinWithNoClientTimeWait() throws Exception {
    ConnectionPool<WatchedSocket> pool = pool(Duration.ofMillis(20), settings(4).build());
    Lease<WatchedSocket> lease = pool.acquire(destination, WAIT);
    WatchedSocket socket = lease.connection();
    exchange(socket, 'c'); // the server answers, then closes
    lease.peerWillClose();
    lease.close();
    socket.awaitPeerClose();
    Duration took =
        Await.until(
            "the retiring connection to close on the server's FIN",
            WAIT,
            () -> pool.stats(destination).total() == 0,
            () -> pool.stats(destination).toString());
    assertThat(took).isLessThan(Duration.ofMillis(100));
    assertThat(SocketTable.clientCloseWait(server.port())).isZero();
    assertThat(closed("peer")).isEqualTo(1);
    Await.until(
        "the server's TIME_WAIT (it closed first)",
        WAIT,
        () -> SocketTable.serverTimeWait(server.port()) == 1);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
  }

  @ParameterizedTest(name = "watchDelay {0} ms")
  @ValueSource(longs = {0, 1, 20})
  void leasesHandSocketsBetweenThreadsAndTheWatcherWithoutEverSharingOne(long delayMs)
      throws Exception {
    int connections = 4;
    int threads = 8;
    int cycles = 1_500;
    ConnectionPool<WatchedSocket> pool =
        pool(Duration.ofMillis(delayMs), settings(connections).build());
    Map<WatchedSocket, AtomicBoolean> inUse = new ConcurrentHashMap<>();
    ExecutorService pool8 = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(
            pool8.submit(
                () -> {
                  for (int i = 0; i < cycles; i++) {
                    try (Lease<WatchedSocket> lease = pool.acquire(destination, WAIT)) {
                      WatchedSocket s = lease.connection();
                      AtomicBoolean held = inUse.computeIfAbsent(s, k -> new AtomicBoolean());
                      assertThat(held.compareAndSet(false, true)).as("socket held by two").isTrue();
                      assertThat(s.isOpen()).isTrue();
                      exchange(s, 'A' + (id + i) % 26);
                      held.set(false);
                    }
                    if (i % 97 == 0) {
                      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 30)); // let some go idle
                    }
                  }
                  return cycles;
                }));
      }
      int done = 0;
      for (Future<Integer> f : results) {
        done += f.get();
      }
      assertThat(done).isEqualTo(threads * cycles);
    } finally {
      pool8.shutdownNow();
    }
    assertThat(server.accepted()).isLessThanOrEqualTo(connections);
    assertThat(inUse).hasSizeLessThanOrEqualTo(connections);
    pool.close();
    Await.until(
        "every client socket to be gone",
        WAIT,
        () -> SocketTable.clientSocketsAnyState(server.port()) == 0);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
  }
}
