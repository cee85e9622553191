package io.mooring.okhttp.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of factories whose client has no user executor: one cached pool of daemon threads
 * for the process, made on first use, as OkHttp's dispatcher pool is. Its threads end after 60 s
 * idle, so it needs no shutdown. Thread safe.
 */
public final class SharedExecutor {
  private SharedExecutor() {}

  /** The shared executor. */
  public static Executor get() {
    return Holder.EXECUTOR;
  }

  private static final class Holder {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Executor EXECUTOR =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "mooring-okhttp-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }
}
