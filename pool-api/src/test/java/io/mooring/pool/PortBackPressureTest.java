package io.mooring.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.FakeTransport.FakeConnection;
import io.mooring.pool.ports.PortExhaustedException;
import io.mooring.pool.ports.PortMonitor;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool and the port monitor together, on a fixture socket table. */
class PortBackPressureTest {
  private static final Destination A = Destination.of("http", "a.example", 80);

  /** A kernel table: a 100-port range with {@code used} of them connected to 127.0.0.1:80. */
  private static Path table(Path dir, int used) throws IOException {
    Path ipv4 = Files.createDirectories(dir.resolve("proc/sys/net/ipv4"));
    Files.writeString(ipv4.resolve("ip_local_port_range"), "40000\t40099\n");
    Path net = Files.createDirectories(dir.resolve("proc/net"));
    StringBuilder tcp =
        new StringBuilder(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
                + " timeout inode\n");
    for (int i = 0; i < used; i++) {
      tcp.append(
          String.format(
              "%4d: 0100007F:%04X 0100007F:0050 01 00000000:00000000 00:00000000 00000000  1000"
                  + "        0 %d 1 0000000000000000 20 4 30 10 -1\n",
              i, 40000 + i, 20000 + i));
    }
    Files.writeString(net.resolve("tcp"), tcp);
    Files.writeString(net.resolve("tcp6"), "  sl  local_address remote_address st\n");
    Files.writeString(
        net.resolve("sockstat"), "TCP: inuse " + used + " orphan 0 tw 0 alloc 0 mem 0\n");
    return dir;
  }

  private static final class Setup implements AutoCloseable {
    final FakeTicker ticker = new FakeTicker();
    final ManualScheduler scheduler = new ManualScheduler(ticker);
    final FakeTransport transport = new FakeTransport();
    final PortMonitor monitor;
    final ConnectionPool<FakeConnection> pool;

    Setup(Path root) {
      monitor = PortMonitor.builder().root(root).ticker(ticker).build();
      pool =
          ConnectionPool.builder(transport)
              .settings(
                  PoolSettings.builder()
                      .maxConnectionsPerDestination(4)
                      .acquireTimeout(Duration.ofSeconds(1))
                      .build())
              .ticker(ticker)
              .scheduler(scheduler)
              .portMonitor(monitor)
              .executor(Runnable::run) // futures complete before the call that served them returns
              .build();
    }

    @Override
    public void close() {
      pool.closeAsync();
      monitor.close();
    }
  }

  @Test
  void overTheHighWaterMarkAcquirersWaitForPooledConnectionsAndNoConnectIsTried(@TempDir Path dir)
      throws Exception {
    try (Setup s = new Setup(table(dir, 85))) {
      Lease<FakeConnection> first = s.pool.acquire(A).join(); // nothing pooled yet: must connect
      assertThat(s.monitor.watched()).containsExactly("127.0.0.1:80");
      s.monitor.scan();
      assertThat(s.monitor.utilization(s.transport.remoteAddress(first.connection())))
          .isEqualTo(0.85);

      CompletableFuture<Lease<FakeConnection>> waiting = s.pool.acquire(A);
      assertThat(waiting).isNotDone();
      assertThat(s.transport.opened).hasSize(1);
      first.close();
      assertThat(waiting).isCompleted();
      assertThat(waiting.join().connection()).isSameAs(first.connection());

      CompletableFuture<Lease<FakeConnection>> timesOut = s.pool.acquire(A);
      s.scheduler.advance(Duration.ofSeconds(1));
      assertThatThrownBy(timesOut::join)
          .cause()
          .isInstanceOf(AcquireTimeoutException.class)
          .hasMessageContaining(
              "not opening new connections: ephemeral ports toward /127.0.0.1:80 are over the port"
                  + " monitor's high-water mark");
      assertThat(s.transport.opened).hasSize(1);
    }
  }

  @Test
  void belowTheHighWaterMarkThePoolConnects(@TempDir Path dir) throws Exception {
    try (Setup s = new Setup(table(dir, 50))) {
      Lease<FakeConnection> first = s.pool.acquire(A).join();
      s.monitor.scan();
      Lease<FakeConnection> second = s.pool.acquire(A).join();
      assertThat(second.connection()).isNotSameAs(first.connection());
      assertThat(s.transport.opened).hasSize(2);
      first.close();
      second.close();
      s.pool.closeAsync().join();
      assertThat(s.monitor.watched()).isEmpty(); // a removed destination is no longer watched
    }
  }

  @Test
  void addressNotAvailableBecomesAnExplainedPortExhaustedException(@TempDir Path dir)
      throws Exception {
    try (Setup s = new Setup(table(dir, 100))) {
      s.pool.acquire(A).join().close(); // learns 127.0.0.1:80
      s.transport.opened.get(0).peerClose();
      s.transport.connectFailure = new BindException("Cannot assign requested address");
      CompletableFuture<Lease<FakeConnection>> f = s.pool.acquire(A);
      assertThatThrownBy(f::join)
          .cause()
          .isInstanceOf(ConnectFailedException.class)
          .hasMessageStartingWith("connect to http://a.example:80 failed: ")
          .cause()
          .isInstanceOf(PortExhaustedException.class)
          .hasMessageContaining("127.0.0.1:80")
          .hasMessageContaining("40000-40099 (100 ports)")
          .hasMessageContaining("100 in use");
    }
  }
}
