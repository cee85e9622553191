package io.mooring.benchmarks.demo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code requests} GETs through one client with {@code inFlight} threads, counting successes
 * and failures by message.
 */
final class Workload {
  final int requests;
  final int inFlight;
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  Workload(int requests, int inFlight) {
    this.requests = requests;
    this.inFlight = inFlight;
  }

  /** Runs to completion; returns the elapsed nanoseconds. */
  long run(DemoClient client, URI uri) throws InterruptedException {
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < inFlight; t++) {
      Thread thread = new Thread(() -> loop(client, uri), client.name() + "-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return System.nanoTime() - start;
  }

  private void loop(DemoClient client, URI uri) {
    while (next.getAndIncrement() < requests) {
      try {
        int status = client.get(uri);
        if (status == 200) {
          ok.incrementAndGet();
        } else {
          fail("HTTP " + status);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        fail(rootMessage(e));
      }
    }
  }

  long done() {
    return ok.get() + failed.get();
  }

  private void fail(String why) {
    failed.incrementAndGet();
    errors.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
