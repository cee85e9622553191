package io.mooring.http.internal;

import io.netty.util.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * Feeds a response body from the socket to a {@link java.net.http.HttpResponse.BodySubscriber} at
 * the subscriber's demand, on the caller-thread path. {@link #run()} reads on the calling thread
 * until the subscriber's body is ready (for the collecting handlers: the end of the body); a
 * streaming subscriber (one whose body is ready before the bytes are, as {@code ofPublisher}) gets
 * the rest from a thread of the executor. Signals are serial: only the one thread that reads
 * signals.
 *
 * <p>The subscription may be used from any thread: {@code request} and {@code cancel} only record
 * and wake the reading thread.
 *
 * @param <T> the body type
 */
final class SubscriberPush<T> implements Flow.Subscription {
  private final java.net.http.HttpResponse.BodySubscriber<T> subscriber;
  private final SocketExchange ex;
  private final Executor executor;
  private final Timer timer;
  private final Object lock = new Object();
  private long demand;
  private boolean cancelled;

  /** What the subscriber threw from a signal: the request fails with it. */
  private RuntimeException thrown;

  SubscriberPush(
      java.net.http.HttpResponse.BodySubscriber<T> subscriber,
      SocketExchange ex,
      Executor executor,
      Timer timer) {
    this.subscriber = subscriber;
    this.ex = ex;
    this.executor = executor;
    this.timer = timer;
  }

  /** Feeds the body and returns the subscriber's result, or throws its failure. */
  T run() throws IOException {
    CompletableFuture<T> body = subscriber.getBody().toCompletableFuture();
    try {
      subscriber.onSubscribe(this);
    } catch (RuntimeException e) {
      ex.fail(e);
      throw e;
    }
    // A body completed by another thread must wake a reader waiting for demand.
    body.whenComplete(
        (r, e) -> {
          synchronized (lock) {
            lock.notifyAll();
          }
        });
    if (!push(body)) {
      // The body is ready before its bytes (a streaming subscriber): the rest from the executor.
      try {
        executor.execute(() -> push(null));
      } catch (RejectedExecutionException e) {
        IOException cause = new IOException("the executor refused to read the response body", e);
        ex.fail(cause);
        subscriber.onError(cause);
      }
    }
    if (thrown != null) {
      throw thrown;
    }
    try {
      return body.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.abort(new java.io.InterruptedIOException("interrupted"));
      throw new java.io.InterruptedIOException("interrupted waiting for the response body");
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c.toString(), c);
    }
  }

  /**
   * Reads and signals until the body ended or failed (returns true), or, when {@code readyBody} is
   * not null, until it completed with bytes still to come (returns false).
   */
  private boolean push(CompletableFuture<T> readyBody) {
    try {
      while (true) {
        boolean cancel;
        synchronized (lock) {
          while (demand == 0 && !cancelled) {
            if (readyBody != null && readyBody.isDone()) {
              return false;
            }
            lock.wait();
          }
          cancel = cancelled;
          if (!cancel) {
            demand--;
          }
        }
        if (cancel) {
          ex.discard(timer); // socket reads: never under the lock request() and cancel() take
          return true;
        }
        byte[] scratch = ex.scratch();
        int n = ex.body().read(scratch, 0, scratch.length);
        if (n < 0) {
          ex.finish();
          subscriber.onComplete();
          return true;
        }
        byte[] copy = java.util.Arrays.copyOf(scratch, n);
        subscriber.onNext(List.of(ByteBuffer.wrap(copy)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(new java.io.InterruptedIOException("interrupted feeding the response body"));
      return true;
    } catch (IOException e) {
      fail(ex.failWith(e));
      return true;
    } catch (RuntimeException e) { // the subscriber threw
      thrown = e;
      ex.fail(e);
      return true;
    }
  }

  private void fail(IOException e) {
    ex.fail(e);
    subscriber.onError(e);
  }

  @Override
  public void request(long n) {
    synchronized (lock) {
      if (n <= 0) {
        cancelled = true;
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      lock.notifyAll();
    }
  }

  @Override
  public void cancel() {
    synchronized (lock) {
      cancelled = true;
      lock.notifyAll();
    }
  }
}
