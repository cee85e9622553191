package io.mooring.benchmarks.demo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends GETs through one client to one server in the shapes the phases need, counting successes,
 * failures and the first failure's message. Thread safe.
 */
final class Workload {
  private final DemoClient client;
  private final URI uri;
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>("");

  Workload(DemoClient client, URI uri) {
    this.client = client;
    this.uri = uri;
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  /** The first failure's root cause, or empty. */
  String firstError() {
    return firstError.get();
  }

  /** {@code requests} GETs from {@code threads} threads, each sending its next when one ends. */
  void closedLoop(int threads, int requests) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    onThreads(
        threads,
        () -> {
          while (next.getAndIncrement() < requests) {
            send();
          }
        });
  }

  /** {@code threads} threads each sending one GET every {@code period} for {@code length}. */
  void paced(int threads, Duration period, Duration length) throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    onThreads(
        threads,
        () -> {
          long due = System.nanoTime();
          while (due - end < 0) {
            send();
            due += period.toNanos();
            pause(due - System.nanoTime());
          }
        });
  }

  /**
   * Sleeps for a stretch of a scenario (not a wait for a condition); returns early if interrupted.
   */
  static void pause(long nanos) {
    if (nanos > 0) {
      try {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One GET, counted. */
  void send() {
    try {
      int status = client.get(uri);
      if (status == 200) {
        ok.incrementAndGet();
      } else {
        fail("HTTP " + status);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    } catch (Exception e) {
      fail(rootMessage(e));
    }
  }

  private void onThreads(int threads, Runnable body) throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(body, "demo-load-" + t);
      thread.setDaemon(true);
      started.add(thread);
      thread.start();
    }
    for (Thread t : started) {
      t.join();
    }
  }

  private void fail(String why) {
    failed.incrementAndGet();
    firstError.compareAndSet("", why);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
