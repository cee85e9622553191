package io.mooring.benchmarks.pool;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acquire and release of an idle pooled object, Mooring against the pools people use today, each
 * over a stub connection so that only the pool is measured. One benchmark method per pool, each
 * with its own {@link PoolState}, so a regular expression picks a subset ({@code
 * 'PoolComparisonBenchmark.(mooring|hikariBag)'}).
 *
 * <p>Run with {@code -t 1} and {@code -t 4} (4 threads on {@code connections=2} measures waiting
 * and hand-off), and {@code -prof gc} for {@code gc.alloc.rate.norm}. Compare figures from the same
 * run only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolComparisonBenchmark {

  /** Mooring: blocking {@code acquire(destination, timeout)}, then {@code Lease.close()}. */
  @Benchmark
  public Object mooring(MooringPool pool) throws Exception {
    return pool.cycle();
  }

  /** HikariCP's {@code ConcurrentBag}: {@code borrow}, then {@code requite}. */
  @Benchmark
  public Object hikariBag(HikariBag pool) throws Exception {
    return pool.cycle();
  }

  /** Netty's {@code FixedChannelPool}: {@code acquire().syncUninterruptibly()}, {@code release}. */
  @Benchmark
  public Object nettyFixed(NettyFixedPool pool) throws Exception {
    return pool.cycle();
  }

  /**
   * HttpCore 5's {@code StrictConnPool}: {@code lease(route, null, timeout, null).get()}, {@code
   * release}.
   */
  @Benchmark
  public Object apacheStrict(ApachePool.Strict pool) throws Exception {
    return pool.cycle();
  }

  /**
   * HttpCore 5's {@code LaxConnPool}: {@code lease(route, null, timeout, null).get()}, {@code
   * release}.
   */
  @Benchmark
  public Object apacheLax(ApachePool.Lax pool) throws Exception {
    return pool.cycle();
  }

  /** commons-pool2's {@code GenericKeyedObjectPool}: {@code borrowObject}, {@code returnObject}. */
  @Benchmark
  public Object commonsKeyed(CommonsKeyedPool pool) throws Exception {
    return pool.cycle();
  }
}
