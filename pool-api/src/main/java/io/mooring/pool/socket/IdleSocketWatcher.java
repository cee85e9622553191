package io.mooring.pool.socket;

import io.mooring.pool.socket.internal.WatcherLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread that watches the idle sockets of any number of {@link SocketTransport}s for the peer's
 * FIN, a reset or unexpected bytes, through one {@link java.nio.channels.Selector}.
 *
 * <p><b>The delay.</b> A released socket is not registered with the selector at once: it waits
 * until the watcher's next tick ({@link #watchDelay()} apart) in blocking mode, and a lease within
 * that time takes it back with two compare-and-sets and no system call, which is what a busy pool
 * does all the time. Only sockets idle for longer are registered (non-blocking mode, read
 * interest); leasing one of those cancels its key and puts it back in blocking mode, and the
 * watcher's thread wakes once to drop the key. So a peer's FIN on a socket idle for longer than the
 * delay is seen at once, and on a socket released moments before, within the delay. A delay of zero
 * registers every released socket at once, at the cost of a wake-up of this thread per release and
 * per lease.
 *
 * <p>Thread safe. Whoever starts a watcher closes it, after the transports that use it.
 */
public final class IdleSocketWatcher implements AutoCloseable {

  /** The default {@link #watchDelay()}: 20 ms. */
  public static final Duration DEFAULT_WATCH_DELAY = Duration.ofMillis(20);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Duration watchDelay;
  private final WatcherLoop loop;

  private IdleSocketWatcher(Duration watchDelay) {
    this.watchDelay = watchDelay;
    this.loop =
        new WatcherLoop("mooring-idle-watch-" + THREADS.incrementAndGet(), watchDelay.toNanos());
  }

  /** Starts a watcher with {@link #DEFAULT_WATCH_DELAY}. */
  public static IdleSocketWatcher start() {
    return start(DEFAULT_WATCH_DELAY);
  }

  /**
   * Starts a watcher, its daemon thread and its selector.
   *
   * @param watchDelay how long a released socket stays unwatched: 0 (register at once) to 1 s
   * @throws IllegalArgumentException if {@code watchDelay} is out of range
   */
  public static IdleSocketWatcher start(Duration watchDelay) {
    Objects.requireNonNull(watchDelay, "watchDelay");
    if (watchDelay.isNegative() || watchDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "watchDelay is " + watchDelay + "; expected PT0S (register at once) .. PT1S");
    }
    return new IdleSocketWatcher(watchDelay);
  }

  /** How long a released socket stays unwatched, at most. */
  public Duration watchDelay() {
    return watchDelay;
  }

  WatcherLoop loop() {
    return loop;
  }

  /**
   * Stops the thread and closes the selector, waiting up to 5 s. Sockets still registered are
   * deregistered, not closed: close the transports first. Idempotent.
   */
  @Override
  public void close() {
    loop.close();
  }

  @Override
  public String toString() {
    return "IdleSocketWatcher{watchDelay=" + watchDelay + '}';
  }
}
