package io.mooring.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HttpURLConnection} on the Mooring pool: the request goes out through the client's engine
 * when the response is first asked for (or, in a streaming mode, when the output stream is opened),
 * and the response body streams from the pooled connection. {@link #disconnect()} closes the body:
 * a body read to the end has already returned its connection to the pool; an unread one is drained
 * (up to 64 KiB) or its connection aborted with RST. The socket is never closed client-first with a
 * FIN.
 *
 * <p>Timeouts as the JDK's: the connect timeout bounds getting a connection (pooled or new), the
 * read timeout the wait for the response head once the request is sent and then every read of the
 * body; either throws {@link java.net.SocketTimeoutException}, and a body read that timed out
 * aborts its connection (RST). Failures reach the caller as the JDK's types ({@link
 * UrlConnectionErrors}).
 *
 * <p>Like the JDK's, one instance is meant for one thread; it is not thread safe.
 */
public class PooledHttpURLConnection extends HttpURLConnection {
  /** Headers {@code HttpURLConnection} silently ignores, as the JDK's does, plus Expect. */
  private static final Set<String> IGNORED =
      Set.of(
          "access-control-request-headers",
          "access-control-request-method",
          "connection",
          "content-length",
          "content-transfer-encoding",
          "expect",
          "host",
          "keep-alive",
          "origin",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "via");

  /** The JDK's format for If-Modified-Since: RFC 1123, two-digit day, always GMT. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final HttpEngine engine;
  private final Map<String, List<String>> requestProperties =
      new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private ByteArrayOutputStream buffered;
  private StreamingBody streaming;
  private OutputStream streamingOut;
  private CompletableFuture<HttpResponse<InputStream>> pending;
  private HttpResponse<InputStream> response;
  private IOException failure;
  private List<Map.Entry<String, String>> flatHeaders;

  /** A connection to {@code url} through {@code engine}, which the caller keeps open. */
  public PooledHttpURLConnection(URL url, HttpEngine engine) {
    super(url);
    this.engine = engine;
  }

  @Override
  public void connect() {
    connected = true;
  }

  @Override
  public boolean usingProxy() {
    return false;
  }

  @Override
  public void setRequestProperty(String key, String value) {
    checkNotConnected();
    RequestValidator.validateHeaderName(key);
    RequestValidator.validateHeaderValue(key, value == null ? "" : value);
    if (!IGNORED.contains(key.toLowerCase(Locale.ROOT))) {
      List<String> l = new ArrayList<>(1);
      l.add(value == null ? "" : value);
      requestProperties.put(key, l);
    }
  }

  @Override
  public void addRequestProperty(String key, String value) {
    checkNotConnected();
    RequestValidator.validateHeaderName(key);
    RequestValidator.validateHeaderValue(key, value == null ? "" : value);
    if (!IGNORED.contains(key.toLowerCase(Locale.ROOT))) {
      requestProperties
          .computeIfAbsent(key, k -> new ArrayList<>(1))
          .add(value == null ? "" : value);
    }
  }

  @Override
  public String getRequestProperty(String key) {
    List<String> l = key == null ? null : requestProperties.get(key);
    return l == null || l.isEmpty() ? null : l.get(0);
  }

  @Override
  public Map<String, List<String>> getRequestProperties() {
    checkNotConnected();
    return Collections.unmodifiableMap(new LinkedHashMap<>(requestProperties));
  }

  private void checkNotConnected() {
    if (pending != null || response != null) {
      throw new IllegalStateException("Already connected");
    }
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (!doOutput) {
      throw new ProtocolException(
          "cannot write to a URLConnection if doOutput=false - call setDoOutput(true)");
    }
    if (method.equals("GET")) {
      method = "POST";
    }
    if (streamingOut != null) {
      return streamingOut;
    }
    if (buffered != null) {
      return buffered;
    }
    if (pending != null || response != null) {
      throw new ProtocolException("cannot write request body after response has been read");
    }
    connected = true;
    // setFixedLengthStreamingMode(int) sets the int field and leaves the long one at -1
    long fixedLength = fixedContentLengthLong >= 0 ? fixedContentLengthLong : fixedContentLength;
    if (fixedLength >= 0 || chunkLength > 0) {
      streaming = new StreamingBody(fixedLength, chunkLength > 0 ? chunkLength : 8192);
      pending = send(streaming);
      streaming.exchange(pending);
      streamingOut = streaming.outputStream();
      return streamingOut;
    }
    buffered = new ByteArrayOutputStream();
    return buffered;
  }

  private CompletableFuture<HttpResponse<InputStream>> send(HttpRequest.BodyPublisher body)
      throws IOException {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(url.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("malformed URL " + url + ": " + e.getMessage(), e);
    }
    boolean hasAccept = false;
    boolean hasType = false;
    for (Map.Entry<String, List<String>> e : requestProperties.entrySet()) {
      hasAccept |= e.getKey().equalsIgnoreCase("accept");
      hasType |= e.getKey().equalsIgnoreCase("content-type");
      for (String v : e.getValue()) {
        b.header(e.getKey(), v);
      }
    }
    if (!hasAccept) {
      b.header("Accept", "*/*");
    }
    if (ifModifiedSince != 0 && !requestProperties.containsKey("If-Modified-Since")) {
      b.header("If-Modified-Since", HTTP_DATE.format(Instant.ofEpochMilli(ifModifiedSince)));
    }
    if (body != null && !hasType) {
      b.header("Content-Type", "application/x-www-form-urlencoded");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    HttpClient.Redirect redirect =
        instanceFollowRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER;
    // Only waited on (never chained), so it may complete on any thread.
    // A streamed body is written by the caller after the request started: the head timeout then
    // starts once the body is complete (see response()), as the JDK's read timeout does.
    PhaseTimeouts timeouts =
        new PhaseTimeouts(
            millis(getConnectTimeout()),
            body instanceof StreamingBody ? null : millis(getReadTimeout()));
    // A streamed body is written by this thread after send returns: with caller-thread I/O the
    // exchange must then run on another thread, so the request is sent as sendAsync would be.
    boolean blocking = !(body instanceof StreamingBody);
    return engine.send(
        b.build(),
        TimedBodyStream.handler(this::getReadTimeout, url),
        redirect,
        blocking,
        timeouts);
  }

  /** The response, sending the request first if needed. */
  private HttpResponse<InputStream> response() throws IOException {
    if (response != null) {
      return response;
    }
    if (failure != null) {
      throw failure;
    }
    connected = true;
    try {
      if (pending == null) {
        pending =
            send(
                buffered != null
                    ? HttpRequest.BodyPublishers.ofByteArray(buffered.toByteArray())
                    : null);
      } else if (streamingOut != null) {
        streamingOut.close();
      }
      response =
          streaming != null && getReadTimeout() > 0
              ? awaitStreamedResponse(getReadTimeout())
              : pending.get();
      if (response.previousResponse().isPresent()) {
        // As the JDK's: the URL a followed redirect ended at. With the old URL as context the new
        // one keeps this handler (same protocol), so getURL().openConnection() stays on the pool.
        url = new URL(url, response.uri().toString());
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.cancel(true);
      failure = new java.io.InterruptedIOException("interrupted waiting for " + url);
      throw failure;
    } catch (CancellationException e) {
      failure = new IOException("request to " + url + " was cancelled", e);
      throw failure;
    } catch (ExecutionException e) {
      failure = UrlConnectionErrors.translate(e.getCause(), url);
      throw failure;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** The response to a streamed body, whose head must come within the read timeout of its end. */
  private HttpResponse<InputStream> awaitStreamedResponse(int timeoutMillis)
      throws InterruptedException, ExecutionException, IOException {
    try {
      return pending.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true); // the flow aborts the exchange
      throw UrlConnectionErrors.readTimeout(url, timeoutMillis, "waiting for the response head");
    }
  }

  private static Duration millis(int timeout) {
    return timeout > 0 ? Duration.ofMillis(timeout) : null;
  }

  @Override
  public int getResponseCode() throws IOException {
    return response().statusCode();
  }

  @Override
  public String getResponseMessage() throws IOException {
    return reasonPhrase(response());
  }

  /** The reason phrase, or null when the status line has none (as the JDK's). */
  private static String reasonPhrase(HttpResponse<InputStream> r) {
    return r instanceof PooledResponse<InputStream> p && !p.reasonPhrase().isEmpty()
        ? p.reasonPhrase()
        : null;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (!doInput) {
      throw new ProtocolException(
          "Cannot read from URLConnection if doInput=false (call setDoInput(true))");
    }
    HttpResponse<InputStream> r = response();
    int code = r.statusCode();
    if (code >= 400) {
      if (code == 404 || code == 410) {
        throw new FileNotFoundException(url.toString());
      }
      throw new IOException("Server returned HTTP response code: " + code + " for URL: " + url);
    }
    return r.body();
  }

  @Override
  public InputStream getErrorStream() {
    if (response == null || response.statusCode() < 400) {
      return null;
    }
    return response.body();
  }

  private List<Map.Entry<String, String>> flat() {
    if (flatHeaders == null) {
      HttpResponse<InputStream> r;
      try {
        r = response();
      } catch (IOException e) {
        return List.of();
      }
      List<Map.Entry<String, String>> l = new ArrayList<>();
      String reason = reasonPhrase(r);
      l.add(
          new java.util.AbstractMap.SimpleImmutableEntry<>(
              null, "HTTP/1.1 " + r.statusCode() + (reason == null ? "" : " " + reason)));
      r.headers()
          .map()
          .forEach(
              (k, vs) ->
                  vs.forEach(v -> l.add(new java.util.AbstractMap.SimpleImmutableEntry<>(k, v))));
      flatHeaders = l;
    }
    return flatHeaders;
  }

  @Override
  public String getHeaderField(String name) {
    String last = null;
    for (Map.Entry<String, String> e : flat()) {
      if (name == null ? e.getKey() == null : name.equalsIgnoreCase(e.getKey())) {
        last = e.getValue();
      }
    }
    return last;
  }

  @Override
  public String getHeaderFieldKey(int n) {
    List<Map.Entry<String, String>> l = flat();
    return n >= 0 && n < l.size() ? l.get(n).getKey() : null;
  }

  @Override
  public String getHeaderField(int n) {
    List<Map.Entry<String, String>> l = flat();
    return n >= 0 && n < l.size() ? l.get(n).getValue() : null;
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : flat()) {
      m.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
    }
    return Collections.unmodifiableMap(m);
  }

  /** The TLS session of the response's connection, or null. */
  public javax.net.ssl.SSLSession sslSession() {
    return response == null ? null : response.sslSession().orElse(null);
  }

  /**
   * Closes the response body: its connection goes back to the pool when the body was read to the
   * end, is drained up to 64 KiB, or is aborted (RST, no TIME_WAIT). Never a client-first FIN.
   */
  @Override
  public void disconnect() {
    if (response != null) {
      try {
        response.body().close();
      } catch (IOException ignored) {
        // closing a response stream does not fail in a way the caller could act on
      }
    } else if (pending != null) {
      pending.cancel(true);
    }
  }
}
