package io.mooring.http.internal;

import io.mooring.http.MalformedResponseException;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.netty.channel.Channel;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.HttpRetryException;
import java.net.MalformedURLException;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
final class RequestFlow<T> {
  private static final System.Logger LOG = System.getLogger(RequestFlow.class.getName());
  private static final int MAX_REDIRECTS = 5;

  /**
   * A caller's headers that never follow a redirect to another origin: credentials and what names
   * the caller's origin, as recent JDK clients strip them (Go and curl strip the credentials).
   */
  private static final Set<String> CROSS_ORIGIN_STRIPPED =
      Set.of("authorization", "cookie", "origin", "referer");

  /**
   * Retries allowed per request: each one needs the failed attempt to have been on a reused
   * connection, so a fresh connection's failure is never retried.
   */
  private static final int MAX_RETRIES = 3;

  private final HttpEngine engine;
  private final HttpRequest original;
  private final HttpResponse.BodyHandler<T> handler;
  private final HttpClient.Redirect redirectPolicy;
  private final boolean blocking;
  private final PhaseTimeouts phaseTimeouts;
  private final boolean inline;
  private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private volatile Exchange current;
  private volatile Future<?> acquiring;
  private volatile Timeout timeout;
  private volatile Timeout headTimer;
  private HttpResponse<T> previous;
  private int redirects;
  private boolean authTried;
  private String authorization;
  private URI authorizedOrigin;

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
    this.redirectPolicy = redirectPolicy;
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

  /** The request as the caller gave it. */
  HttpRequest request() {
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
      extra = extraHeaders(req);
    } catch (IOException | RuntimeException e) {
      fail(e);
      return;
    }
    CompletableFuture<Lease<Channel>> f = engine.pool().acquire(dest);
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
      if (canRetry(req, ex, retries, cause)) {
        engine.metrics().retried(ex.destination());
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "retrying " + req.method() + " " + req.uri() + " after " + cause);
        // A stale pooled connection found before a byte was written costs nothing to skip: each
        // one leaves the pool, so this loop is bounded by the pool's size and needs no budget. A
        // new connection always counts: a server that closes every connection it accepts would
        // otherwise be retried for ever.
        attempt(req, ex.reused && !ex.wroteAny() ? retries : retries + 1);
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
      storeCookies(req, head.headers());
      HttpRequest next = redirectOf(req, head);
      if (next == null) {
        next = authenticationRetry(req, head);
      }
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

  private boolean canRetry(HttpRequest req, Exchange ex, int retries, Throwable cause) {
    if (ex.responseStarted() || result.isDone()) {
      return false;
    }
    if (!ex.reused && (ex.wroteAny() || retries >= MAX_RETRIES)) {
      // A new connection is retried only if it ended before a byte of the request went out (a
      // restarting server closed it as it accepted it): nothing was sent, so always safe; once.
      return false;
    }
    if (ex.wroteAny() && retries >= MAX_RETRIES) {
      return false;
    }
    if (!(cause instanceof IOException)
        || cause instanceof HttpTimeoutException
        || cause instanceof MalformedResponseException
        || cause instanceof RequestBodyException) {
      return false;
    }
    return !ex.wroteAny() || BodyReplay.retryableAfterWrite(req);
  }

  private HttpRequest redirectOf(HttpRequest req, ResponseHead head) throws IOException {
    int code = head.statusCode();
    if (redirectPolicy == HttpClient.Redirect.NEVER
        || !(code == 301 || code == 302 || code == 303 || code == 307 || code == 308)) {
      return null;
    }
    Optional<String> location = head.headers().firstValue("location");
    if (location.isEmpty()) {
      return null;
    }
    if (++redirects > MAX_REDIRECTS) {
      throw new IOException(
          "too many redirects (" + MAX_REDIRECTS + ") starting at " + original.uri());
    }
    URI target;
    try {
      target = req.uri().resolve(location.get());
    } catch (IllegalArgumentException e) {
      throw badLocation(req, head, location.get(), e);
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))) {
      return null;
    }
    try {
      RequestValidator.validateUri(target);
    } catch (IllegalArgumentException e) {
      throw badLocation(req, head, location.get(), e);
    }
    if (redirectPolicy == HttpClient.Redirect.NORMAL
        && req.uri().getScheme().equalsIgnoreCase("https")
        && scheme.equals("http")) {
      return null;
    }
    boolean toGet =
        code == 303 && !req.method().equals("HEAD")
            || (code == 301 || code == 302) && req.method().equals("POST");
    if (!toGet && !BodyReplay.replayable(req)) {
      return null; // the body cannot be sent again: hand the redirect to the caller
    }
    boolean sameOrigin = sameOrigin(req.uri(), target);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                req,
                (n, v) -> sameOrigin || !CROSS_ORIGIN_STRIPPED.contains(n.toLowerCase(Locale.ROOT)))
            .uri(target);
    if (toGet) {
      b.GET();
    }
    return b.build();
  }

  private static IOException badLocation(
      HttpRequest req, ResponseHead head, String location, IllegalArgumentException e) {
    return new IOException(
        "cannot follow the "
            + head.statusCode()
            + " redirect from "
            + req.method()
            + " "
            + req.uri()
            + ": bad Location \""
            + location
            + "\" ("
            + e.getMessage()
            + ")",
        e);
  }

  private HttpRequest authenticationRetry(HttpRequest req, ResponseHead head)
      throws HttpRetryException {
    Authenticator auth = engine.config().authenticator();
    if (head.statusCode() != 401 || auth == null || authTried) {
      return null;
    }
    String challenge = head.headers().firstValue("www-authenticate").orElse("");
    if (!challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      return null;
    }
    if (!BodyReplay.replayable(req)) {
      // As the JDK's HttpURLConnection in streaming mode: the body is gone, so the request cannot
      // be sent again with credentials. Checked before asking the Authenticator (it may prompt).
      throw new HttpRetryException(
          "cannot retry due to server authentication, in streaming mode: the body of "
              + req.method()
              + " "
              + req.uri()
              + " cannot be sent again",
          401);
    }
    authTried = true;
    String realm = "";
    int r = challenge.toLowerCase(Locale.ROOT).indexOf("realm=");
    if (r >= 0) {
      realm = challenge.substring(r + 6).replace("\"", "").split(",")[0];
    }
    URI uri = req.uri();
    PasswordAuthentication pa;
    try {
      pa =
          auth.requestPasswordAuthenticationInstance(
              uri.getHost(),
              null,
              HttpEngine.destinationOf(uri).port(),
              uri.getScheme(),
              realm,
              "Basic",
              uri.toURL(),
              Authenticator.RequestorType.SERVER);
    } catch (MalformedURLException e) {
      return null;
    }
    if (pa == null) {
      return null;
    }
    String token = pa.getUserName() + ":" + new String(pa.getPassword());
    authorization =
        "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    authorizedOrigin = uri;
    return req;
  }

  private Map<String, String> extraHeaders(HttpRequest req) throws IOException {
    Map<String, String> extra = new LinkedHashMap<>();
    CookieHandler cookies = engine.config().cookieHandler();
    if (cookies != null) {
      Map<String, List<String>> got = cookies.get(req.uri(), req.headers().map());
      for (Map.Entry<String, List<String>> e : got.entrySet()) {
        if (e.getKey().equalsIgnoreCase("cookie") && !e.getValue().isEmpty()) {
          String v = String.join("; ", e.getValue());
          RequestValidator.validateHeaderValue("Cookie", v);
          extra.put("Cookie", v);
        }
      }
    }
    if (authorization != null && sameOrigin(authorizedOrigin, req.uri())) {
      extra.put("Authorization", authorization);
    }
    return extra;
  }

  private void storeCookies(HttpRequest req, HttpHeaders headers) throws IOException {
    CookieHandler cookies = engine.config().cookieHandler();
    if (cookies != null) {
      cookies.put(req.uri(), headers.map());
    }
  }

  private void timedOut(HttpTimeoutException e) {
    if (fail(e)) {
      abortInFlight(e);
    }
  }

  /** Fails the request, if it is not done yet, and aborts its exchange, body included. */
  void abortNow(Throwable e) {
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

  private static boolean sameOrigin(URI a, URI b) {
    return a != null
        && b != null
        && HttpEngine.destinationOf(a).equals(HttpEngine.destinationOf(b));
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
