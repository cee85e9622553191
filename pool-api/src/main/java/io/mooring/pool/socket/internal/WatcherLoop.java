package io.mooring.pool.socket.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The watcher's thread: one {@link Selector} over the idle sockets, with read interest, so that the
 * peer's FIN, a reset or stray bytes are seen in the tick they arrive in.
 *
 * <p><b>Why a delay.</b> Registering a channel with a selector and taking it out again cost the
 * selector's thread a wake-up each (the JDK applies interest changes only inside a selection
 * operation), and a channel must be in non-blocking mode while registered. A released socket that
 * is leased again soon, the common case under load, should pay none of it. So a released socket
 * first waits, still in blocking mode, in {@link #delayed}; the loop registers it at the first tick
 * ({@code watchDelay} apart) after the release, and a lease before that is a compare-and-set on the
 * socket's state and nothing else. Ticks are counted by this thread, so the release path reads a
 * volatile instead of the clock. A FIN on a socket still waiting is seen when the socket is
 * registered: within one tick of the release. With a delay of zero every release registers at once.
 *
 * <p>Thread safe: other threads only add to the queues and wake the selector.
 */
public final class WatcherLoop implements Runnable {
  private static final System.Logger LOG = System.getLogger(WatcherLoop.class.getName());

  private final Selector selector;
  private final long tickNanos;
  private final long tickMillis;
  private final Thread thread;

  /** Released sockets waiting for their delay to pass. */
  private final ConcurrentLinkedQueue<PooledSocket> delayed = new ConcurrentLinkedQueue<>();

  /** Sockets to register at once: a peer close is expected, or the delay is zero. */
  private final ConcurrentLinkedQueue<PooledSocket> soon = new ConcurrentLinkedQueue<>();

  /** Reads from idle sockets land here; only this loop's thread uses it. */
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(4096);

  private final List<PooledSocket> notDue = new ArrayList<>();

  /** The coarse clock: advanced by this thread once per tick it runs in. */
  private volatile long tick;

  /** Set while the loop is in a selection with no timeout, which only a wake-up ends. */
  private volatile boolean parked;

  private volatile boolean closed;

  /**
   * Opens the selector and starts the loop's daemon thread.
   *
   * @param name the thread's name
   * @param watchDelayNanos how long a released socket stays unwatched; 0 registers it at once
   */
  public WatcherLoop(String name, long watchDelayNanos) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the idle socket watcher", e);
    }
    this.tickNanos = watchDelayNanos;
    this.tickMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(watchDelayNanos));
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether released sockets are registered at once (a delay of zero). */
  boolean immediate() {
    return tickNanos == 0;
  }

  /** The current tick, read on release. */
  long tick() {
    return tick;
  }

  Selector selector() {
    return selector;
  }

  /** Queues a released socket; wakes the loop only if it sleeps with no timeout. */
  void enqueueDelayed(PooledSocket socket) {
    delayed.offer(socket);
    if (parked) {
      parked = false;
      selector.wakeup();
    }
  }

  /** Has the loop register {@code socket} now. */
  void registerSoon(PooledSocket socket) {
    soon.offer(socket);
    selector.wakeup();
  }

  /** Makes the loop run a selection now, for example so that it closes cancelled channels. */
  void wakeup() {
    selector.wakeup();
  }

  /** Whether the calling thread is this loop's. */
  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void run() {
    long lastTick = System.nanoTime();
    try {
      while (!closed) {
        select();
        long now = System.nanoTime();
        if (now - lastTick >= tickNanos) {
          tick++;
          lastTick = now;
        }
        processReady();
        PooledSocket s;
        while ((s = soon.poll()) != null) {
          s.register(this);
        }
        processDelayed();
      }
    } catch (ClosedSelectorException e) {
      // closed under us: the loop ends
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "idle socket watcher stopped by an unexpected error", e);
      throw e;
    } finally {
      try {
        // Deregisters every channel; the JDK then closes those closed meanwhile.
        selector.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the watcher's selector failed", e);
      }
    }
  }

  private void select() {
    try {
      if (delayed.isEmpty()) {
        parked = true;
        if (delayed.isEmpty()) { // re-check: a release may have missed the flag
          selector.select();
          parked = false;
          return;
        }
        parked = false;
      }
      selector.select(tickMillis);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "idle socket watcher: select failed", e);
    }
  }

  private void processReady() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      if (key.attachment() instanceof PooledSocket s) {
        s.onReadable(key, scratch);
      }
    }
  }

  /**
   * Registers the sockets released before this tick, drops those leased or closed since, and puts
   * the others back.
   */
  private void processDelayed() {
    long now = tick;
    PooledSocket s;
    while ((s = delayed.poll()) != null) {
      s.dequeued();
      if (!s.isPending()) {
        continue;
      }
      if (now - s.releasedTick() >= 1) {
        s.register(this);
      } else if (s.markQueued()) {
        notDue.add(s);
      }
    }
    if (!notDue.isEmpty()) {
      delayed.addAll(notDue);
      notDue.clear();
    }
  }

  /**
   * Stops the loop and closes the selector, which deregisters every channel; does not close the
   * sockets (their transports do). Waits up to 5 s for the thread. Idempotent.
   */
  public void close() {
    closed = true;
    selector.wakeup();
    if (!inLoop()) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
