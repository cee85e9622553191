package io.mooring.http.internal;

import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.netty.channel.Channel;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One call of {@code send}/{@code sendAsync}: acquires connections, runs {@link Exchange}s, retries
 * the keep-alive race under Go's rule, follows redirects, answers basic authentication, keeps
 * cookies, enforces the request timeout and records the request timer. No user code runs on an
 * event loop: a response for one of the JDK's collecting body handlers ({@link InlineBodyHandlers})
 * is finished on the event loop when no cookie handler or authenticator is set, every other one on
 * the executor; the result future is completed on the executor unless the caller blocks on it.
 *
 * <p>Thread safe: its steps run one after another on whatever thread completed the previous one.
 *
 * @param <T> the body type
 */
final class RequestFlow<T> implements InFlight {
  private static final System.Logger LOG = System.getLogger(RequestFlow.class.getName());
  private final HttpEngine engine;
  private final HttpRequest original;
  private final HttpResponse.BodyHandler<T> handler;
  private final boolean blocking;
  private final PhaseTimeouts phaseTimeouts;
  private final boolean inline;
  private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private volatile Exchange current;
  private volatile Future<?> acquiring;
  private volatile Timeout timeout;
  private volatile Timeout headTimer;
  private final FlowRules rules;
  private HttpResponse<T> previous;

  RequestFlow(
      HttpEngine engine,
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpClient.Redirect redirectPolicy,
      boolean blocking,
      PhaseTimeouts phaseTimeouts) {
    this.engine = engine;
    this.original = request;
    this.handler = Objects.requireNonNull(handler, "responseBodyHandler");
    this.rules = new FlowRules(engine.config(), request, redirectPolicy);
    this.blocking = blocking;
    this.phaseTimeouts = phaseTimeouts;
    this.inline =
        InlineBodyHandlers.isInline(handler)
            && engine.config().cookieHandler() == null
            && engine.config().authenticator() == null;
  }

  CompletableFuture<HttpResponse<T>> result() {
    return result;
  }

  @Override
  public HttpRequest request() {
    return original;
  }

  void start() {
    result.whenComplete(
        (r, e) -> {
          if (e instanceof CancellationException) {
            abortInFlight(e); // the caller gave up: free the connection
          }
          endedIfDone();
        });
    Optional<Duration> t = original.timeout();
    if (t.isPresent()) {
      Duration d = t.get();
      timeout =
          engine
              .timer()
              .newTimeout(
                  unused ->
                      timedOut(
                          new HttpTimeoutException(
                              "request timed out after "
                                  + d.toMillis()
                                  + " ms: "
                                  + original.method()
                                  + " "
                                  + original.uri())),
                  d.toNanos(),
                  TimeUnit.NANOSECONDS);
    }
    attempt(original, 0);
  }

  private void attempt(HttpRequest req, int retries) {
    if (result.isDone()) {
      return;
    }
    Destination dest = HttpEngine.destinationOf(req.uri());
    Map<String, String> extra;
    try {
      extra = rules.extraHeaders(req);
    } catch (IOException | RuntimeException e) {
      fail(e);
      return;
    }
    CompletableFuture<Lease<Channel>> f = engine.channels().acquire(dest);
    acquiring = f;
    Timeout connectTimer = schedule(phaseTimeouts.connect(), () -> connectTimedOut(f, dest));
    f.whenComplete(
        (lease, err) -> {
          cancel(connectTimer);
          if (err != null) {
            fail(TransportErrors.connect(unwrap(err), dest));
            return;
          }
          if (result.isDone()) {
            lease.close();
            return;
          }
          Exchange ex =
              new Exchange(
                  lease,
                  req,
                  extra,
                  engine.executor(),
                  inline ? Runnable::run : engine.executor(),
                  engine.config().maxResponseBodySize());
          current = ex;
          headTimer = schedule(phaseTimeouts.head(), () -> headTimedOut(req));
          ex.onEnd(this::endedIfDone);
          lease.connection().eventLoop().execute(ex::start);
          if (result.isDone()) {
            ex.abort(new CancellationException("request ended while its exchange started"));
          }
          if (inline) {
            ex.head().whenComplete((h, e) -> onHead(req, retries, ex, h, e));
          } else {
            ex.head().whenComplete((h, e) -> onHeadAsync(req, retries, ex, h, e));
          }
        });
  }

  private void connectTimedOut(CompletableFuture<Lease<Channel>> acquire, Destination dest) {
    String message =
        "connect to " + dest + " timed out after " + phaseTimeouts.connect().toMillis() + " ms";
    if (!acquire.isDone() && fail(new HttpConnectTimeoutException(message))) {
      acquire.cancel(false); // the pool may finish the connect; a lease that still comes is closed
    }
  }

  private void headTimedOut(HttpRequest req) {
    timedOut(
        new HttpTimeoutException(
            "no response head within "
                + phaseTimeouts.head().toMillis()
                + " ms: "
                + req.method()
                + " "
                + req.uri()));
  }

  private Timeout schedule(Duration delay, Runnable task) {
    return delay == null
        ? null
        : engine.timer().newTimeout(unused -> task.run(), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static void cancel(Timeout t) {
    if (t != null) {
      t.cancel();
    }
  }

  /** {@link #onHead} on the executor; if the executor refuses, the request fails here. */
  private void onHeadAsync(
      HttpRequest req, int retries, Exchange ex, ResponseHead head, Throwable e) {
    try {
      engine.executor().execute(() -> onHead(req, retries, ex, head, e));
    } catch (RuntimeException rejected) {
      IOException cause = ex.rejected("handle the response", rejected);
      ex.abort(cause);
      fail(cause);
    }
  }

  private void onHead(HttpRequest req, int retries, Exchange ex, ResponseHead head, Throwable e) {
    cancel(headTimer);
    if (e != null) {
      Throwable cause = unwrap(e);
      if (!result.isDone()
          && FlowRules.canRetry(
              req, ex.reused, ex.wroteAny(), ex.responseStarted(), retries, cause)) {
        engine.metrics().retried(ex.destination());
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "retrying " + req.method() + " " + req.uri() + " after " + cause);
        attempt(req, FlowRules.retriesAfter(ex.reused, ex.wroteAny(), cause, retries));
      } else {
        fail(cause);
      }
      return;
    }
    if (result.isDone()) {
      ex.abort(new CancellationException("request already ended"));
      return;
    }
    try {
      HttpRequest next = rules.next(req, head);
      if (next != null) {
        ex.deliverBody(HttpResponse.BodySubscribers.discarding(), this::fail);
        previous = new PooledResponse<>(req, head, null, previous);
        attempt(next, 0);
        return;
      }
    } catch (IOException | RuntimeException err) {
      ex.abort(err);
      fail(err);
      return;
    }
    cancelTimeout();
    HttpResponse.BodySubscriber<T> subscriber;
    CompletionStage<T> bodyStage;
    try {
      subscriber = handler.apply(head);
      bodyStage = subscriber.getBody();
    } catch (RuntimeException err) {
      ex.abort(err);
      fail(err);
      return;
    }
    ex.deliverBody(subscriber, this::fail);
    HttpResponse<T> prev = previous;
    bodyStage.whenComplete(
        (body, be) -> {
          if (be != null) {
            fail(unwrap(be));
          } else {
            succeed(new PooledResponse<>(req, head, body, prev));
          }
        });
  }

  private void timedOut(HttpTimeoutException e) {
    if (fail(e)) {
      abortInFlight(e);
    }
  }

  @Override
  public void abortNow(Throwable e) {
    fail(e);
    abortInFlight(e);
  }

  /** Tells the engine once the result is complete and no exchange holds a connection. */
  private void endedIfDone() {
    Exchange ex = current;
    if (result.isDone() && (ex == null || ex.ended())) {
      engine.finished(this);
    }
  }

  private void abortInFlight(Throwable e) {
    Future<?> a = acquiring;
    if (a != null) {
      a.cancel(false);
    }
    Exchange ex = current;
    if (ex != null) {
      ex.abort(e);
    }
  }

  private void succeed(HttpResponse<T> response) {
    cancelTimeout();
    engine.metrics().record(original, response.statusCode(), null, System.nanoTime() - startNanos);
    complete(() -> result.complete(response));
  }

  private boolean fail(Throwable t) {
    if (result.isDone()) {
      return false;
    }
    cancelTimeout();
    engine.metrics().record(original, -1, t, System.nanoTime() - startNanos);
    complete(() -> result.completeExceptionally(t));
    return true;
  }

  private void complete(Runnable r) {
    if (blocking) {
      r.run();
      return;
    }
    try {
      engine.executor().execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  private void cancelTimeout() {
    cancel(timeout);
    cancel(headTimer);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
