package io.mooring.pool.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor that completes the futures of asynchronous acquirers that waited: cached
 * daemon threads shared by every pool, as the JDK's {@code HttpClient} does for its own callbacks.
 * A dependent action that blocks holds one thread, never the others; threads idle for a minute end.
 * Not the common pool: on a machine with two cores {@code CompletableFuture} would start a thread
 * per task, and a common pool of one thread would let one blocking action stall every acquirer.
 */
public final class CompletionExecutor {
  /** The shared instance; never shut down. */
  public static final Executor INSTANCE = create();

  private CompletionExecutor() {}

  private static Executor create() {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "mooring-completion-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
