package io.mooring.pool.ports;

import io.mooring.pool.Scheduler;
import io.mooring.pool.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A ticker that moves only when told to, and a scheduler whose tasks run when it does. */
final class TestClock implements Ticker, Scheduler {
  private long now = 1_000_000_000L;
  private final List<long[]> due = new ArrayList<>();
  private final List<Runnable> tasks = new ArrayList<>();

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    long[] at = {now + delayNanos};
    due.add(at);
    tasks.add(task);
    return () -> {
      synchronized (this) {
        int i = due.indexOf(at);
        if (i >= 0) {
          due.remove(i);
          tasks.remove(i);
        }
      }
    };
  }

  synchronized int pending() {
    return tasks.size();
  }

  /** Moves time by {@code d}, running the tasks that fall due on this thread, in order. */
  void advance(Duration d) {
    long end;
    synchronized (this) {
      end = now + d.toNanos();
    }
    for (; ; ) {
      Runnable next = null;
      synchronized (this) {
        int best = -1;
        for (int i = 0; i < due.size(); i++) {
          if (due.get(i)[0] <= end && (best < 0 || due.get(i)[0] < due.get(best)[0])) {
            best = i;
          }
        }
        if (best >= 0) {
          now = Math.max(now, due.remove(best)[0]);
          next = tasks.remove(best);
        } else {
          now = end;
        }
      }
      if (next == null) {
        return;
      }
      next.run();
    }
  }
}
