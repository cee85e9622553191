package io.mooring.benchmarks;

import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pool's hot path: lease an idle connection and give it back, with a transport that does no
 * I/O. Run with {@code -t 1} and {@code -t 4}; with 4 threads and 2 connections the waiter path is
 * measured too. Add {@code -prof gc} for {@code gc.alloc.rate.norm}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AcquireReleaseBenchmark {
  private static final Destination DESTINATION = Destination.of("http", "localhost", 8080);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Connections in the pool; fewer than threads makes acquirers wait for each other. */
  @Param({"2", "8"})
  public int connections;

  private ConnectionPool<Object> pool;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool =
        ConnectionPool.builder(new StubTransport())
            .settings(
                PoolSettings.builder()
                    .maxConnectionsPerDestination(connections)
                    .maxPendingAcquires(1024)
                    .build())
            .build();
    Lease<?>[] warm = new Lease<?>[connections];
    for (int i = 0; i < connections; i++) {
      warm[i] = pool.acquire(DESTINATION, Duration.ofSeconds(1));
    }
    for (Lease<?> l : warm) {
      l.close();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /** Blocking acquire and release: no future is allocated when an idle connection is there. */
  @Benchmark
  public Object blocking() throws Exception {
    Lease<Object> lease = pool.acquire(DESTINATION, TIMEOUT);
    Object c = lease.connection();
    lease.close();
    return c;
  }

  /** The asynchronous API: one {@code CompletableFuture} per acquire is the API's own cost. */
  @Benchmark
  public Object async() {
    Lease<Object> lease = pool.acquire(DESTINATION).join();
    Object c = lease.connection();
    lease.close();
    return c;
  }
}
