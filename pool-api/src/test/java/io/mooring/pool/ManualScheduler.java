package io.mooring.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduler whose tasks run only when the test moves the {@link FakeTicker} through {@link
 * #advance}, in due order, on the test's thread.
 */
public final class ManualScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  public ManualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(ticker.nanoTime() + delayNanos, sequence++, task);
    tasks.add(t);
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  /** Moves time forward by {@code d}, running every task that falls due, in order. */
  public void advance(Duration d) {
    long end = ticker.nanoTime() + d.toNanos();
    for (; ; ) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.due - end <= 0)
                .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq))
                .orElse(null);
        if (next != null) {
          tasks.remove(next);
        }
      }
      if (next == null) {
        break;
      }
      long step = next.due - ticker.nanoTime();
      if (step > 0) {
        ticker.advance(Duration.ofNanos(step));
      }
      next.task.run();
    }
    long rest = end - ticker.nanoTime();
    if (rest > 0) {
      ticker.advance(Duration.ofNanos(rest));
    }
  }

  public synchronized int pending() {
    return tasks.size();
  }

  private record Task(long due, long seq, Runnable task) {}
}
