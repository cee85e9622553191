package io.mooring.http.internal;

import io.mooring.http.MalformedResponseException;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.HttpRetryException;
import java.net.MalformedURLException;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one request does between its exchanges, whichever threads run them: the retry rule (Go's),
 * redirects, basic authentication and cookies. Shared by the event-loop flow ({@link RequestFlow})
 * and the caller-thread flow ({@link BlockingFlow}), so both answer a response the same way.
 *
 * <p>One per request. Not thread safe: a flow calls it from one step at a time.
 */
final class FlowRules {
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

  private final ClientConfig config;
  private final HttpRequest original;
  private final HttpClient.Redirect redirectPolicy;
  private int redirects;
  private boolean authTried;
  private String authorization;
  private URI authorizedOrigin;

  FlowRules(ClientConfig config, HttpRequest original, HttpClient.Redirect redirectPolicy) {
    this.config = config;
    this.original = original;
    this.redirectPolicy = redirectPolicy;
  }

  /**
   * Whether an attempt that failed with {@code cause} may be tried again, under Go's rule: never
   * once a response byte came; a new connection only if nothing was written (a restarting server
   * closed it as it accepted it); a reused one if nothing was written or the request is idempotent
   * and replayable; never a timeout, a malformed response or a body publisher's failure.
   */
  static boolean canRetry(
      HttpRequest req,
      boolean reused,
      boolean wroteAny,
      boolean responseStarted,
      int retries,
      Throwable cause) {
    if (responseStarted) {
      return false;
    }
    if (!reused && (wroteAny || retries >= MAX_RETRIES)) {
      // A new connection is retried only if it ended before a byte of the request went out (a
      // restarting server closed it as it accepted it): nothing was sent, so always safe; once.
      return false;
    }
    if (wroteAny && retries >= MAX_RETRIES) {
      return false;
    }
    if (!(cause instanceof IOException)
        || cause instanceof HttpTimeoutException
        || cause instanceof MalformedResponseException
        || cause instanceof RequestBodyException) {
      return false;
    }
    return !wroteAny || BodyReplay.retryableAfterWrite(req);
  }

  /**
   * The retry count for the next attempt after {@code cause}. A stale pooled connection costs
   * nothing to skip: found closed before a byte was written, or closed by the peer with no response
   * byte after the (retryable) request went out, as a server that restarted while it sat idle does.
   * Each one leaves the pool, so that loop is bounded by the pool's size and needs no budget. A new
   * connection always counts: a server that closes every connection it accepts would otherwise be
   * retried for ever.
   */
  static int retriesAfter(boolean reused, boolean wroteAny, Throwable cause, int retries) {
    boolean stale = reused && (!wroteAny || cause instanceof PrematureCloseException);
    return stale ? retries : retries + 1;
  }

  /**
   * Stores the response's cookies, then the request that follows {@code head}: a redirect to follow
   * or the request again with credentials; {@code null} when the response is the answer.
   */
  HttpRequest next(HttpRequest req, ResponseHead head) throws IOException {
    storeCookies(req, head.headers());
    HttpRequest next = redirectOf(req, head);
    return next != null ? next : authenticationRetry(req, head);
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
    Authenticator auth = config.authenticator();
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

  /** Headers the client adds to {@code req}: its cookies and remembered credentials. */
  Map<String, String> extraHeaders(HttpRequest req) throws IOException {
    CookieHandler cookies = config.cookieHandler();
    if (cookies == null && authorization == null) {
      return Map.of(); // the common case, on every request: no map to fill
    }
    Map<String, String> extra = new LinkedHashMap<>();
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
    CookieHandler cookies = config.cookieHandler();
    if (cookies != null) {
      cookies.put(req.uri(), headers.map());
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a != null
        && b != null
        && HttpEngine.destinationOf(a).equals(HttpEngine.destinationOf(b));
  }
}
