package io.mooring.http.internal;

import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One call of {@code send} (or of {@code sendAsync}, on an executor thread) in {@link
 * io.mooring.http.IoMode#CALLER_THREAD}: everything {@link RequestFlow} does, done by the calling
 * thread over blocking sockets. Acquires, runs {@link SocketExchange}s, retries the keep-alive race
 * and refused connects, follows redirects and answers authentication ({@link FlowRules}), and hands
 * the body to the handler ({@link BlockingBodies}).
 *
 * <p>Timeouts do not poll: the request timeout and the head timeout are one timer entry each that
 * aborts the exchange in flight (the socket is reset under the blocked read or write), and the
 * connect timeout bounds the connect itself. Runs on one thread; {@link #abortNow} may be called
 * from any.
 *
 * @param <T> the body type
 */
final class BlockingFlow<T> implements InFlight {
  private static final System.Logger LOG = System.getLogger(BlockingFlow.class.getName());
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final HttpEngine engine;
  private final HttpRequest original;
  private final HttpResponse.BodyHandler<T> handler;
  private final PhaseTimeouts phaseTimeouts;
  private final FlowRules rules;
  private final long startNanos = System.nanoTime();
  private final long deadline;
  private volatile SocketExchange current;
  private volatile Throwable aborted;
  private volatile boolean done;
  private Timeout requestTimer;

  BlockingFlow(
      HttpEngine engine,
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpClient.Redirect redirectPolicy,
      PhaseTimeouts phaseTimeouts) {
    this.engine = engine;
    this.original = request;
    this.handler = Objects.requireNonNull(handler, "responseBodyHandler");
    this.phaseTimeouts = phaseTimeouts;
    this.rules = new FlowRules(engine.config(), request, redirectPolicy);
    this.deadline = request.timeout().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
  }

  @Override
  public HttpRequest request() {
    return original;
  }

  /** Runs the request on the calling thread; the future is complete when this returns. */
  CompletableFuture<HttpResponse<T>> runHere() {
    try {
      return CompletableFuture.completedFuture(run());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      returned();
    }
  }

  /**
   * Runs the request on a thread of {@code executor} ({@code sendAsync}); cancelling the future
   * aborts it.
   */
  CompletableFuture<HttpResponse<T>> runOn(Executor executor) {
    CompletableFuture<HttpResponse<T>> f = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          if (e instanceof CancellationException) {
            abortNow(e);
          }
        });
    try {
      executor.execute(
          () -> {
            try {
              f.complete(run());
            } catch (Throwable e) {
              f.completeExceptionally(e);
            } finally {
              returned();
            }
          });
    } catch (RejectedExecutionException e) {
      returned();
      f.completeExceptionally(
          new IOException(
              "the executor refused to send " + original.method() + " " + original.uri(), e));
    }
    return f;
  }

  private void returned() {
    done = true;
    endedIfDone();
  }

  /** Tells the engine once the flow returned and no exchange of it holds a connection. */
  private void endedIfDone() {
    SocketExchange ex = current;
    if (done && (ex == null || ex.ended())) {
      engine.finished(this);
    }
  }

  /**
   * Runs the request on the calling thread; the response's body is whatever the handler makes of it
   * (a stream reading the socket for {@code ofInputStream}).
   */
  HttpResponse<T> run() throws IOException {
    if (deadline != Long.MAX_VALUE) {
      long d = original.timeout().orElseThrow().toMillis();
      requestTimer =
          engine
              .timer()
              .newTimeout(
                  t ->
                      abortNow(
                          new HttpTimeoutException(
                              "request timed out after "
                                  + d
                                  + " ms: "
                                  + original.method()
                                  + " "
                                  + original.uri())),
                  deadline - startNanos,
                  TimeUnit.NANOSECONDS);
    }
    try {
      HttpResponse<T> r = exchanges();
      engine.metrics().record(original, r.statusCode(), null, System.nanoTime() - startNanos);
      return r;
    } catch (IOException | RuntimeException | Error e) {
      Throwable reported = aborted != null && aborted instanceof IOException ? aborted : e;
      engine.metrics().record(original, -1, reported, System.nanoTime() - startNanos);
      if (reported instanceof IOException io) {
        throw io;
      }
      throw e;
    } finally {
      cancelRequestTimer();
    }
  }

  /** The request timeout covers the exchanges up to the final head, as on the event-loop path. */
  private void cancelRequestTimer() {
    if (requestTimer != null) {
      requestTimer.cancel();
    }
  }

  private HttpResponse<T> exchanges() throws IOException {
    HttpRequest req = original;
    HttpResponse<T> previous = null;
    int retries = 0;
    long backoff = FIRST_BACKOFF_NANOS;
    long connectBudgetEnd = 0;
    while (true) {
      checkAborted();
      Destination dest = HttpEngine.destinationOf(req.uri());
      Map<String, String> extra = rules.extraHeaders(req);
      Lease<HttpSocket> lease = acquire(dest);
      SocketExchange ex =
          new SocketExchange(
              lease, req, extra, engine.tls(dest), engine.config().maxResponseBodySize());
      ex.onEnd(this::endedIfDone);
      current = ex;
      if (aborted != null) {
        ex.abort(aborted);
      }
      ResponseHead head;
      Timeout headTimer = scheduleHeadTimeout(ex, req);
      try {
        head = ex.exchange(connectTimeout());
      } catch (IOException e) {
        checkAborted();
        if (ex.connectFailed()) {
          if (!(e instanceof ConnectException)) {
            throw TransportErrors.socketConnect(e, dest);
          }
          // Refused: a restarting server. Try again within the pool's connect retry budget, as
          // the event-loop path's pool does, so a restart costs the caller a short wait.
          if (connectBudgetEnd == 0) {
            connectBudgetEnd =
                System.nanoTime() + engine.config().poolSettings().connectRetryBudget().toNanos();
          }
          if (System.nanoTime() + backoff < Math.min(connectBudgetEnd, deadline)) {
            engine.metrics().connectRetried(dest);
            pause(backoff);
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            continue;
          }
          throw e;
        }
        if (FlowRules.canRetry(req, ex.reused, ex.wroteAny(), ex.responseStarted(), retries, e)) {
          engine.metrics().retried(dest);
          LOG.log(
              System.Logger.Level.DEBUG,
              () -> "retrying " + original.method() + " " + original.uri() + " after " + e);
          retries = FlowRules.retriesAfter(ex.reused, ex.wroteAny(), e, retries);
          continue;
        }
        throw e;
      } finally {
        if (headTimer != null) {
          headTimer.cancel();
        }
      }
      HttpRequest next;
      try {
        next = rules.next(req, head);
      } catch (IOException | RuntimeException e) {
        ex.fail(e);
        throw e;
      }
      if (next != null) {
        ex.discard(engine.timer());
        previous = new PooledResponse<>(req, head, null, previous);
        req = next;
        retries = 0;
        continue;
      }
      cancelRequestTimer();
      checkAborted();
      T body = BlockingBodies.deliver(handler, head, ex, engine);
      return new PooledResponse<>(req, head, body, previous);
    }
  }

  /** Leases a connection within the pool's acquire timeout and what is left of the request's. */
  private Lease<HttpSocket> acquire(Destination dest) throws IOException {
    Duration timeout = engine.config().poolSettings().acquireTimeout();
    long left = deadline - System.nanoTime();
    if (left < timeout.toNanos()) {
      timeout = Duration.ofNanos(Math.max(1, left));
    }
    try {
      return engine.sockets().acquire(dest, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(
          "interrupted waiting for a connection to "
              + dest
              + " for "
              + original.method()
              + " "
              + original.uri());
    } catch (IOException e) {
      checkAborted();
      if (e instanceof io.mooring.pool.AcquireTimeoutException
          && left < engine.config().poolSettings().acquireTimeout().toNanos()) {
        throw requestTimeout(); // the wait was cut to what the request's timeout left
      }
      throw asIo(TransportErrors.connect(e, dest));
    }
  }

  private Duration connectTimeout() {
    Duration c = phaseTimeouts.connect();
    long left = deadline - System.nanoTime();
    if (deadline != Long.MAX_VALUE) {
      Duration rest = Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), left));
      if (c == null || rest.compareTo(c) < 0) {
        return rest;
      }
    }
    return c;
  }

  private Timeout scheduleHeadTimeout(SocketExchange ex, HttpRequest req) {
    Duration d = phaseTimeouts.head();
    if (d == null) {
      return null;
    }
    return engine
        .timer()
        .newTimeout(
            t ->
                ex.abort(
                    new HttpTimeoutException(
                        "no response head within "
                            + d.toMillis()
                            + " ms: "
                            + req.method()
                            + " "
                            + req.uri())),
            d.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private HttpTimeoutException requestTimeout() {
    return new HttpTimeoutException(
        "request timed out after "
            + original.timeout().orElseThrow().toMillis()
            + " ms: "
            + original.method()
            + " "
            + original.uri());
  }

  private void pause(long nanos) throws IOException {
    long jittered = nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
    try {
      TimeUnit.NANOSECONDS.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(
          "interrupted before connecting again for " + original.method() + " " + original.uri());
    }
  }

  /** Throws the cause given to {@link #abortNow}, if any. */
  private void checkAborted() throws IOException {
    Throwable a = aborted;
    if (a instanceof IOException io) {
      throw io;
    }
    if (a != null) {
      throw new IOException(a.toString(), a);
    }
  }

  private static IOException asIo(Throwable t) {
    return t instanceof IOException io ? io : new IOException(t.toString(), t);
  }

  /**
   * Fails the request from any thread (its timeout, {@code shutdownNow}): the exchange in flight,
   * if any, is aborted, which ends a blocked read or write on the calling thread at once. A body
   * already handed to the caller is aborted too.
   */
  @Override
  public void abortNow(Throwable cause) {
    if (aborted == null) {
      aborted = cause;
    }
    SocketExchange ex = current;
    if (ex != null) {
      ex.abort(cause);
    }
  }
}
