package io.mooring.pool.ports.internal;

import io.mooring.pool.Scheduler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * When the port monitor scans: once at {@link #start()}, then one interval after each scan ended,
 * on a pool's {@link Scheduler}, a given executor or a daemon thread of its own, plus any scan
 * asked for with {@link #scanSoon()}. Thread safe.
 */
public final class ScanSchedule {
  private final Scheduler scheduler;
  private final ScheduledExecutorService executor;
  private final long intervalNanos;
  private final Runnable scan;
  private final System.Logger logger;

  // Guarded by this.
  private boolean started;
  private boolean running;
  private boolean closed;
  private boolean soonQueued;
  private Scheduler effective;
  private Scheduler.Cancellable pending;
  private ScheduledExecutorService ownExecutor;

  /**
   * Runs {@code scan} on {@code scheduler} if not null, else on {@code executor} if not null, else
   * on a daemon thread of its own; failures are logged to {@code logger}.
   */
  public ScanSchedule(
      Scheduler scheduler,
      ScheduledExecutorService executor,
      Duration interval,
      Runnable scan,
      System.Logger logger) {
    this.scheduler = scheduler;
    this.executor = executor;
    this.intervalNanos = interval.toNanos();
    this.scan = scan;
    this.logger = logger;
  }

  /**
   * Starts scanning unless started already; with {@code available} false it only remembers that it
   * was started.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void start(boolean available) {
    if (closed) {
      throw new IllegalStateException("port monitor is closed");
    }
    if (started) {
      return;
    }
    started = true;
    if (!available) {
      return;
    }
    running = true;
    effective = scheduler != null ? scheduler : ofExecutor(executor != null ? executor : own());
    pending = effective.schedule(this::tick, 0);
  }

  private ScheduledExecutorService own() {
    ScheduledThreadPoolExecutor own =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "mooring-port-monitor");
              t.setDaemon(true);
              return t;
            });
    own.setRemoveOnCancelPolicy(true);
    ownExecutor = own;
    return own;
  }

  private static Scheduler ofExecutor(ScheduledExecutorService e) {
    return (task, delayNanos) -> {
      ScheduledFuture<?> f = e.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }

  /** Whether scans run on their own schedule: started, available and not closed. */
  public synchronized boolean isRunning() {
    return running;
  }

  /**
   * Asks for one extra scan at once on the schedule's thread; requests made before it runs are
   * merged. Does nothing unless {@link #isRunning()}.
   */
  public synchronized void scanSoon() {
    if (!running || soonQueued) {
      return;
    }
    soonQueued = true;
    effective.schedule(this::extra, 0);
  }

  private void extra() {
    synchronized (this) {
      soonQueued = false;
      if (!running) {
        return;
      }
    }
    runScan();
  }

  private void tick() {
    try {
      runScan();
    } finally {
      synchronized (this) {
        if (running) {
          pending = effective.schedule(this::tick, intervalNanos);
        }
      }
    }
  }

  private void runScan() {
    try {
      scan.run();
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "Port monitor scan failed", e);
    }
  }

  /** Stops scanning and the thread it started, if any. Idempotent. */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    if (pending != null) {
      pending.cancel();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }
}
