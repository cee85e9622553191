package io.mooring.http.internal;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Feeds one response body to a {@link BodySubscriber}, honouring its demand: the event loop offers
 * buffers, the subscriber is signalled on the executor only (never on the event loop), and when the
 * subscriber has no demand the pump stops asking for reads, so a slow subscriber stops reads on the
 * connection and nothing is buffered without bound.
 *
 * <p>Thread safe: {@link #offer}, {@link #complete} and {@link #error} come from the event loop,
 * {@link #request} and {@link #cancel} from the subscriber on any thread; all signals to the
 * subscriber are serialised by a work-in-progress counter.
 */
final class ResponseBodyPump implements AbortableSubscription {
  /** Buffers queued beyond which no more reads are asked for. */
  static final int MAX_QUEUED = 8;

  /** Callbacks into the exchange. */
  interface Owner {
    /** The subscriber wants more bytes: ask the channel for a read. Any thread. */
    void wantMore();

    /** The subscriber cancelled before the body ended. Any thread. */
    void cancelled();

    /**
     * The subscriber gave the body up with {@code cause}: abort the connection rather than drain
     * it. Any thread. An owner that cannot abort treats it as a cancel.
     */
    default void aborted(Throwable cause) {
      cancelled();
    }

    /**
     * The subscriber threw, or the executor refused to run it: the body can no longer be delivered,
     * so the exchange must end (its connection aborted unless the response was read already). Any
     * thread.
     */
    void subscriberFailed(Throwable cause);
  }

  private final Executor executor;
  private final Owner owner;
  private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile BodySubscriber<?> subscriber;
  private volatile Consumer<Throwable> onFailure;
  private volatile boolean done;
  private volatile Throwable error;
  private volatile boolean cancelled;
  private boolean subscribed;
  private boolean terminated;

  ResponseBodyPump(Executor executor, Owner owner) {
    this.executor = executor;
    this.owner = owner;
  }

  /**
   * Attaches the subscriber and starts signalling it. Once. {@code onFailure} hears, once, that the
   * subscriber threw or could not be signalled, so the caller's future still completes.
   */
  void start(BodySubscriber<?> s, Consumer<Throwable> onFailure) {
    this.onFailure = onFailure;
    this.subscriber = s;
    schedule();
  }

  /** A body buffer arrived. Event loop. */
  void offer(ByteBuffer buffer) {
    if (cancelled) {
      return;
    }
    queue.add(buffer);
    queued.incrementAndGet();
    schedule();
  }

  /** The body ended. */
  void complete() {
    done = true;
    schedule();
  }

  /** The body failed. */
  void error(Throwable t) {
    if (error == null) {
      error = t;
    }
    done = true;
    schedule();
  }

  /** Whether the subscriber could take more bytes now: demand and a short queue. */
  boolean wantsMore() {
    return !cancelled && !done && demand.get() > queued.get() && queued.get() < MAX_QUEUED;
  }

  /** Whether the subscriber cancelled. */
  boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      error(new IllegalArgumentException("non-positive request " + n + " (rule 3.9)"));
      return;
    }
    demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
    schedule();
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      if (!done) {
        owner.cancelled();
      }
      schedule();
    }
  }

  @Override
  public void abort(IOException cause) {
    if (!cancelled) {
      cancelled = true;
      owner.aborted(cause);
      schedule();
    }
  }

  private void schedule() {
    if (subscriber != null && wip.getAndIncrement() == 0) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException e) {
        // No thread to signal on. This thread owns the drain now (wip is not zero) and keeps it:
        // the subscriber hears the error here, once, and nothing is signalled after.
        IOException cause =
            new IOException("the executor refused to deliver the response body: " + e, e);
        terminated = true;
        cancelled = true;
        owner.subscriberFailed(cause);
        notifyFailure(cause);
        BodySubscriber<?> s = subscriber;
        try {
          if (!subscribed) {
            subscribed = true;
            s.onSubscribe(this);
          }
          s.onError(cause);
        } catch (RuntimeException ignored) {
          // the subscriber is past helping; the caller's future is failed already
        }
      }
    }
  }

  private void drain() {
    int missed = 1;
    BodySubscriber<?> s = subscriber;
    do {
      try {
        if (!subscribed) {
          subscribed = true;
          s.onSubscribe(this);
        }
        if (!terminated) {
          drainOnce(s);
        }
      } catch (RuntimeException | Error e) {
        // Rule 2.13: a subscriber that throws is cancelled; the exchange ends and the caller's
        // future fails with what it threw.
        terminated = true;
        cancelled = true;
        queue.clear();
        queued.set(0);
        owner.subscriberFailed(e);
        notifyFailure(e);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void notifyFailure(Throwable t) {
    Consumer<Throwable> f = onFailure;
    onFailure = null;
    if (f != null) {
      f.accept(t);
    }
  }

  private void drainOnce(BodySubscriber<?> s) {
    Throwable failed = error;
    if (failed != null && !cancelled) {
      queue.clear();
      queued.set(0);
      terminated = true;
      s.onError(failed);
      return;
    }
    while (!cancelled && demand.get() > 0) {
      ByteBuffer b = queue.poll();
      if (b == null) {
        break;
      }
      queued.decrementAndGet();
      demand.decrementAndGet();
      s.onNext(List.of(b));
    }
    if (cancelled) {
      queue.clear();
      queued.set(0);
      terminated = true;
      return;
    }
    if (done && queue.isEmpty()) {
      terminated = true;
      s.onComplete();
      return;
    }
    if (wantsMore()) {
      owner.wantMore();
    }
  }
}
