package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.ClosePolicy;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.testing.HoldServerMain;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.netty.channel.Channel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Measurements, not timed tests: prints connect-to-leased latency over loopback and the heap one
 * idle pooled connection costs. The server runs in a child JVM so that its sockets stay out of the
 * measured heap. The only assertions are loose sanity bounds; the figures are for the record.
 */
@ExtendWith(LeakDetectorExtension.class)
class MeasurementIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int LATENCY_SAMPLES = 2_000;
  private static final int IDLE_CONNECTIONS = 10_000;

  private Process server;
  private int port;

  // A fresh server per test: it never closes the sockets it holds, so each run starts at zero fds.
  @BeforeEach
  void startServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                HoldServerMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    port = Integer.parseInt(out.readLine().trim());
  }

  @AfterEach
  void stopServer() throws Exception {
    server.getOutputStream().close();
    if (!server.waitFor(10, TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
  }

  private Destination destination() {
    return Destination.of("tcp", "127.0.0.1", port);
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void connectToLeasedLatency(IoMode mode) throws Exception {
    try (NettyTransport transport = mode.builder(NettySettings.builder()).build();
        ConnectionPool<Channel> pool =
            ConnectionPool.builder(transport)
                .settings(
                    PoolSettings.builder()
                        .acquireTimeout(WAIT)
                        .maxRequestsPerConnection(1) // every acquire opens a new connection
                        .closePolicy(ClosePolicy.ABORT) // and its release resets it: no TIME_WAIT
                        .build())
                .build()) {
      Destination d = destination();
      for (int i = 0; i < 500; i++) { // warm-up
        pool.acquire(d, WAIT).close();
      }
      long[] nanos = new long[LATENCY_SAMPLES];
      for (int i = 0; i < nanos.length; i++) {
        long start = System.nanoTime();
        Lease<Channel> lease = pool.acquire(d, WAIT);
        nanos[i] = System.nanoTime() - start;
        lease.close();
      }
      long[] reuse = new long[LATENCY_SAMPLES];
      try (ConnectionPool<Channel> reusing =
          ConnectionPool.builder(transport)
              .settings(PoolSettings.builder().acquireTimeout(WAIT).build())
              .build()) {
        reusing.acquire(d, WAIT).close();
        for (int i = 0; i < reuse.length; i++) {
          long start = System.nanoTime();
          Lease<Channel> lease = reusing.acquire(d, WAIT);
          reuse[i] = System.nanoTime() - start;
          lease.close();
        }
      }
      Arrays.sort(nanos);
      Arrays.sort(reuse);
      System.out.printf(
          "[%s] connect-to-leased over loopback, %d samples: median %.1f us, p99 %.1f us;"
              + " idle reuse: median %.2f us, p99 %.2f us%n",
          mode,
          nanos.length,
          nanos[nanos.length / 2] / 1e3,
          nanos[nanos.length * 99 / 100] / 1e3,
          reuse[reuse.length / 2] / 1e3,
          reuse[reuse.length * 99 / 100] / 1e3);
      assertThat(nanos[nanos.length / 2]).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void heapPerIdleConnection(IoMode mode) throws Exception {
    int n = IDLE_CONNECTIONS;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (NettyTransport transport = mode.builder(NettySettings.builder()).build()) {
      ConnectionPool<Channel> pool =
          ConnectionPool.builder(transport)
              .settings(
                  PoolSettings.builder()
                      .maxConnectionsPerDestination(n)
                      .maxConnectionsTotal(n)
                      .maxPendingAcquires(n)
                      .acquireTimeout(WAIT)
                      .build())
              .build();
      Destination d = destination();
      pool.acquire(d, WAIT).close(); // classes loaded, partition and event loops started
      long before = usedHeapAfterGc(memory);

      List<CompletableFuture<Lease<Channel>>> leases = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        leases.add(pool.acquire(d));
      }
      for (CompletableFuture<Lease<Channel>> f : leases) {
        Lease<Channel> lease = f.join();
        PooledChannels.markIdle(lease.connection());
        lease.close();
      }
      leases.clear();
      assertThat(pool.stats(d).idle()).isEqualTo(n);
      long after = usedHeapAfterGc(memory);
      long perConnection = (after - before) / (n - 1);
      System.out.printf(
          "[%s] heap per idle pooled connection: %d bytes (%.2f KiB), %d idle connections,"
              + " heap delta %.1f MiB after GC%n",
          mode, perConnection, perConnection / 1024.0, n, (after - before) / 1048576.0);
      pool.close(); // aborts them all: no TIME_WAIT
      assertThat(perConnection).isPositive().isLessThan(64 * 1024);
    }
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    // Several rounds: one GC may leave garbage a finalizer or reference queue frees later.
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
