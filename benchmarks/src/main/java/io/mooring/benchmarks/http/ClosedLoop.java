package io.mooring.benchmarks.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code inFlight} platform threads, each sending one request, waiting for its
 * response and sending the next, so exactly {@code inFlight} requests are in flight at any time. A
 * warm-up phase is run first and discarded; then requests completing during the measured phase are
 * counted, and their latencies (send to body read) recorded in one HdrHistogram per thread (3
 * significant digits, up to 60 s; recording does not allocate), merged at the end. A request slower
 * than the whole measured phase is reported with the failures (not counted as one).
 */
final class ClosedLoop {
  private static final int WARM_UP = 0;
  private static final int MEASURE = 1;
  private static final int STOP = 2;
  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int FAILURES_KEPT = 5;
  private static final String STALL =
      "(stall, not counted as failed) a request took longer than" + " the whole measured phase";

  /** What a measured phase gave. */
  record Measurement(
      long ok,
      long failed,
      double seconds,
      Histogram latencies,
      long allocatedBytes,
      CpuMeter.Cost cost,
      Map<String, Long> failures) {}

  private final HttpClientAdapter client;
  private final int inFlight;
  private final AllocationMeter allocation;
  private final CpuMeter cpu;
  private final Map<String, Long> failures = new LinkedHashMap<>();
  private volatile int phase = WARM_UP;
  private long stallNanos;

  ClosedLoop(HttpClientAdapter client, int inFlight, AllocationMeter allocation, CpuMeter cpu) {
    this.client = client;
    this.inFlight = inFlight;
    this.allocation = allocation;
    this.cpu = cpu;
  }

  /** Runs the warm-up, then the measured phase, then stops the threads. */
  Measurement run(long warmUpMillis, long measureMillis) throws InterruptedException {
    stallNanos = TimeUnit.MILLISECONDS.toNanos(measureMillis); // before the threads start
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < inFlight; i++) {
      Worker w = new Worker();
      workers.add(w);
      Thread t = new Thread(w, "harness-load-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    Thread.sleep(warmUpMillis);
    AllocationMeter.Snapshot before = allocation.snapshot();
    CpuMeter.Snapshot cpuBefore = cpu.snapshot();
    long start = System.nanoTime();
    phase = MEASURE;
    Thread.sleep(measureMillis);
    CpuMeter.Snapshot cpuAfter = cpu.snapshot();
    AllocationMeter.Snapshot after = allocation.snapshot();
    phase = STOP;
    long seconds = System.nanoTime() - start;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    Histogram merged = new Histogram(MAX_NANOS, 3);
    long ok = 0;
    long failed = 0;
    for (Worker w : workers) {
      merged.add(w.latencies);
      ok += w.ok;
      failed += w.failed;
    }
    Map<String, Long> kept;
    synchronized (failures) {
      kept = new LinkedHashMap<>(failures);
    }
    return new Measurement(
        ok, failed, seconds / 1e9, merged, after.since(before), cpuAfter.since(cpuBefore), kept);
  }

  private void fail(String message) {
    synchronized (failures) {
      if (failures.containsKey(message) || failures.size() < FAILURES_KEPT) {
        failures.merge(message, 1L, Long::sum);
      }
    }
  }

  private final class Worker implements Runnable {
    private final Histogram latencies = new Histogram(MAX_NANOS, 3);
    private long ok;
    private long failed;

    @Override
    public void run() {
      while (phase != STOP) {
        long t0 = System.nanoTime();
        String error = null;
        try {
          int status = client.get();
          if (status != 200) {
            error = "HTTP status " + status;
          }
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          error = e.getClass().getName() + ": " + e.getMessage();
        }
        long t1 = System.nanoTime();
        if (t1 - t0 > stallNanos) {
          // Completed outside the counted phase or not, it is no failure, but a run of 0 req/s
          // and 0 failures needs this to be read.
          fail(STALL);
        }
        if (phase != MEASURE) {
          if (error != null && phase == WARM_UP) {
            fail("(warm-up) " + error);
          }
          continue;
        }
        if (error == null) {
          ok++;
          latencies.recordValue(Math.min(t1 - t0, MAX_NANOS));
        } else {
          failed++;
          fail(error);
        }
      }
    }
  }
}
