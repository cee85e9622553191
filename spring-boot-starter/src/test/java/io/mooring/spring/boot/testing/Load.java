package io.mooring.spring.boot.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a bounded number of blocking calls with a fixed number in flight, and counts failures. */
public final class Load {
  private Load() {}

  /** What a run did. */
  public record Result(int ok, int failed, Throwable firstFailure) {}

  /** A call that returns normally on success. */
  @FunctionalInterface
  public interface Call {
    /** Makes one request. */
    void run() throws Exception;
  }

  /** Runs {@code call} {@code total} times on {@code inFlight} threads; waits at most 2 min. */
  public static Result run(int total, int inFlight, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> first = new AtomicReference<>();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        workers.add(
            pool.submit(
                () -> {
                  while (next.getAndIncrement() < total) {
                    try {
                      call.run();
                      ok.incrementAndGet();
                    } catch (Exception e) {
                      failed.incrementAndGet();
                      first.compareAndSet(null, e);
                    }
                  }
                }));
      }
      for (Future<?> w : workers) {
        w.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(ok.get(), failed.get(), first.get());
  }
}
