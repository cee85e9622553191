package io.mooring.apache5;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What this module's nginx tests share: a test starts {@link #nginx} in {@link #dir} (stopped after
 * it), builds Apache clients on a {@link MooringConnectionManager} metered into {@link #registry},
 * and reads the kernel's socket table (the test is skipped where there is none).
 */
abstract class NginxHarness {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Nginx nginx;

  @BeforeEach
  void needsTheKernelTable() {
    assumeTrue(SocketTable.available(), "needs the kernel's socket table (/proc/net/tcp)");
  }

  @AfterEach
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
  }

  /** A classic client on a new manager with {@code settings}; the caller closes it. */
  CloseableHttpClient client(PoolSettings settings) {
    return HttpClients.custom()
        .setConnectionManager(
            MooringConnectionManager.builder()
                .poolSettings(settings)
                .meterRegistry(registry)
                .build())
        .build();
  }

  /**
   * Runs {@code request} {@code total} times from {@code threads} threads; returns what the runs
   * threw.
   */
  static List<Throwable> load(int threads, int total, Executable request) throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  while (next.getAndIncrement() < total) {
                    try {
                      request.execute();
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return failures;
  }

  /** Waits until the kernel's table holds no client socket toward nginx, in any state. */
  void awaitNoClientSockets() {
    Await.until(
        "every client socket toward nginx to be gone",
        WAIT,
        () -> SocketTable.clientSocketsAnyState(nginx.port()) == 0,
        () -> SocketTable.read().stream().filter(e -> e.remotePort() == nginx.port()).toList());
  }

  /** Connections the managers opened so far. */
  double opened() {
    return registry.find("mooring.connections.opened").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
