package io.mooring.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.http.internal.ClientConfig;
import io.mooring.http.internal.HttpEngine;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.PoolStats;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.ports.PortMonitor;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} on the Mooring connection pool: HTTP/1.1 over keep-alive connections kept
 * per destination, retired peer-first (the last request on a connection carries {@code Connection:
 * close}, so the server closes and the TIME_WAIT lands on the server), and the keep-alive race
 * retried under Go's rule. Code written against the JDK client runs unchanged:
 *
 * <pre>{@code
 * try (MooringHttpClient client = MooringHttpClient.newBuilder()
 *     .connectTimeout(Duration.ofSeconds(2))
 *     .meterRegistry(registry)
 *     .build()) {
 *   HttpResponse<String> r = client.send(
 *       HttpRequest.newBuilder(URI.create("http://localhost:8080/")).build(),
 *       HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> Always HTTP/1.1: {@link #version()} says so, and a request asking for HTTP/2
 * is served on HTTP/1.1. WebSocket and proxies are not supported.
 *
 * <p><b>Threads.</b> Thread safe. I/O runs on Netty event loops; user code (body handlers, body
 * subscribers and publishers, completion of the futures {@link #sendAsync} returns) runs on the
 * {@link #executor()}, never on an event loop.
 *
 * <p><b>Ownership.</b> The client owns its Netty transport and its connection pool; {@link
 * #close()} closes the pool (peer-first under its close policy), then the transport, then the
 * executor it created (never one the user gave). Each response body belongs to the caller: a body
 * read completely returns its connection to the pool; a body abandoned (a closed {@code
 * InputStream}, a cancelled subscription) is drained up to 64 KiB, else its connection is aborted
 * (RST, no TIME_WAIT).
 */
public final class MooringHttpClient extends HttpClient implements AutoCloseable {
  /** Default limit of a response's status line plus headers: 64 KiB. */
  public static final int DEFAULT_MAX_RESPONSE_HEADER_SIZE = 64 * 1024;

  private final HttpEngine engine;
  private final Builder settings;

  private MooringHttpClient(Builder b) {
    this.settings = b.copy();
    this.engine = new HttpEngine(b.config(), b.executor);
  }

  /** A builder with the JDK client's defaults and Mooring's pool defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A client with default settings. Close it when done. */
  public static MooringHttpClient newHttpClient() {
    return newBuilder().build();
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return Optional.ofNullable(settings.cookieHandler);
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return Optional.ofNullable(settings.connectTimeout);
  }

  @Override
  public Redirect followRedirects() {
    return settings.redirect;
  }

  /** Always empty: proxies are not supported yet. */
  @Override
  public Optional<ProxySelector> proxy() {
    return Optional.empty();
  }

  @Override
  public SSLContext sslContext() {
    if (settings.sslContext != null) {
      return settings.sslContext;
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default SSLContext", e);
    }
  }

  @Override
  public SSLParameters sslParameters() {
    return settings.sslParameters != null
        ? settings.sslParameters
        : sslContext().getDefaultSSLParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return Optional.ofNullable(settings.authenticator);
  }

  /** Always {@link HttpClient.Version#HTTP_1_1}. */
  @Override
  public Version version() {
    return Version.HTTP_1_1;
  }

  @Override
  public Optional<Executor> executor() {
    return Optional.ofNullable(settings.executor);
  }

  /**
   * Sends {@code request} and blocks until the response (its body per {@code handler}) is there.
   *
   * @throws IllegalArgumentException at once on bad input (URI, method, headers), naming it
   * @throws IOException on I/O failure, {@link java.net.http.HttpTimeoutException} on timeout,
   *     {@link MalformedResponseException} when the response breaks HTTP
   * @throws InterruptedException if interrupted; the request is then abandoned
   */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "responseBodyHandler");
    // Blocking: only this thread waits on the future, so it may be completed on any thread.
    CompletableFuture<HttpResponse<T>> f = engine.send(request, handler, settings.redirect, true);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (CancellationException e) {
      throw new IOException("request cancelled: " + request.uri(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }

  /**
   * Sends {@code request} without blocking. Bad input throws {@link IllegalArgumentException} at
   * once; every other failure completes the future exceptionally. The future completes on the
   * executor.
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "responseBodyHandler");
    return engine.send(request, handler, settings.redirect, false);
  }

  /** As {@link #sendAsync(HttpRequest, HttpResponse.BodyHandler)}; push promises never come. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  /** Which threads do this client's socket I/O (see {@link Builder#io}). */
  public IoMode io() {
    return settings.io;
  }

  /** The client's connection pool, for its statistics; owned and closed by the client. */
  public ConnectionPool<?> pool() {
    return engine.pool();
  }

  /** The pool's statistics for the destination of {@code uri}. */
  public PoolStats stats(URI uri) {
    return engine.pool().stats(HttpEngine.destinationOf(uri));
  }

  HttpEngine engine() {
    return engine;
  }

  /**
   * Closes the pool (connections retire under its close policy: peer-first by default), then the
   * transport, then the executor the client created. Blocks; idempotent. Requests in flight fail.
   * Unlike the JDK client's {@code close()} it does not wait for them: {@link #shutdown()} then
   * {@link #awaitTermination(Duration)} does.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Starts an orderly shutdown (Java 21's {@code HttpClient.shutdown()}, which this overrides
   * there): new requests fail with an {@link IOException}, requests in flight run to completion,
   * response bodies included; then the client closes as {@link #close()} does, on a thread of its
   * own, its connections retiring peer-first. Never blocks; idempotent; thread safe.
   */
  public void shutdown() {
    engine.shutdown();
  }

  /**
   * As {@link #shutdown()}, but requests in flight fail at once with an {@link IOException} and
   * their connections are aborted (RST, no TIME_WAIT); idle connections still retire peer-first
   * (Java 21's {@code HttpClient.shutdownNow()}). Never blocks; thread safe.
   */
  public void shutdownNow() {
    engine.shutdownNow();
  }

  /**
   * Waits until the client is terminated after {@link #shutdown()}, {@link #shutdownNow()} or
   * {@link #close()}, at most {@code duration} (Java 21's {@code HttpClient.awaitTermination}).
   *
   * @return whether the client terminated in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    return engine.awaitTermination(duration);
  }

  /** Whether the client closed completely: pool, transport and its own executor (Java 21). */
  public boolean isTerminated() {
    return engine.isTerminated();
  }

  @Override
  public String toString() {
    return "MooringHttpClient{pool=" + engine.pool().name() + "}";
  }

  /**
   * Configures a {@link MooringHttpClient}: the {@link HttpClient.Builder} settings plus Mooring's
   * pool, transport, metrics and limits. Not thread safe. Every {@link #build()} makes a new client
   * with its own pool.
   */
  public static final class Builder implements HttpClient.Builder {
    private CookieHandler cookieHandler;
    private Duration connectTimeout;
    private SSLContext sslContext;
    private SSLParameters sslParameters;
    private Executor executor;
    private Redirect redirect = Redirect.NEVER;
    private Authenticator authenticator;
    private PoolSettings poolSettings = PoolSettings.defaults();
    private NettySettings nettySettings = NettySettings.defaults();
    private MeterRegistry meterRegistry;
    private int maxResponseHeaderSize = DEFAULT_MAX_RESPONSE_HEADER_SIZE;
    private long maxResponseBodySize = Long.MAX_VALUE;
    private Function<HttpRequest, String> uriTag = r -> "UNKNOWN";
    private boolean requestMetrics = true;
    private PortMonitor portMonitor;
    private IoMode io = IoMode.EVENT_LOOP;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.cookieHandler = cookieHandler;
      b.connectTimeout = connectTimeout;
      b.sslContext = sslContext;
      b.sslParameters = sslParameters;
      b.executor = executor;
      b.redirect = redirect;
      b.authenticator = authenticator;
      b.poolSettings = poolSettings;
      b.nettySettings = nettySettings;
      b.meterRegistry = meterRegistry;
      b.maxResponseHeaderSize = maxResponseHeaderSize;
      b.maxResponseBodySize = maxResponseBodySize;
      b.uriTag = uriTag;
      b.requestMetrics = requestMetrics;
      b.portMonitor = portMonitor;
      b.io = io;
      return b;
    }

    private ClientConfig config() {
      NettySettings ns = nettySettings;
      if (connectTimeout != null) {
        ns = ns.toBuilder().connectTimeout(connectTimeout).build();
      }
      return new ClientConfig(
          poolSettings,
          ns,
          meterRegistry,
          sslContext,
          sslParameters,
          cookieHandler,
          authenticator,
          redirect,
          maxResponseHeaderSize,
          maxResponseBodySize,
          uriTag,
          requestMetrics,
          portMonitor,
          io);
    }

    @Override
    public Builder cookieHandler(CookieHandler cookieHandler) {
      this.cookieHandler = Objects.requireNonNull(cookieHandler, "cookieHandler");
      return this;
    }

    /** The TCP connect timeout (TLS excluded), whole milliseconds; overrides the Netty setting. */
    @Override
    public Builder connectTimeout(Duration duration) {
      Objects.requireNonNull(duration, "connectTimeout");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + duration);
      }
      this.connectTimeout = duration;
      return this;
    }

    /** The TLS context; default the JDK's default trust. Hostname verification stays on. */
    @Override
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** TLS protocols and cipher suites to use; other parameters are ignored. */
    @Override
    public Builder sslParameters(SSLParameters sslParameters) {
      this.sslParameters = Objects.requireNonNull(sslParameters, "sslParameters");
      return this;
    }

    /**
     * Where user code runs (body handlers, subscribers, publishers, future completions); the client
     * never shuts it down. Default: a cached pool of daemon threads owned by the client.
     */
    @Override
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The redirect policy; default {@link HttpClient.Redirect#NEVER}, as in the JDK. */
    @Override
    public Builder followRedirects(Redirect policy) {
      this.redirect = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Accepted for compatibility; the client always speaks HTTP/1.1. */
    @Override
    public Builder version(Version version) {
      Objects.requireNonNull(version, "version");
      return this;
    }

    /** Accepted for compatibility (an HTTP/2 setting); validated and ignored. */
    @Override
    public Builder priority(int priority) {
      if (priority < 1 || priority > 256) {
        throw new IllegalArgumentException("priority must be 1..256: " + priority);
      }
      return this;
    }

    /**
     * Proxies are not supported yet: anything but {@link HttpClient.Builder#NO_PROXY} fails here,
     * at configuration time, rather than sending requests around the proxy.
     *
     * @throws UnsupportedOperationException for any proxy selector other than NO_PROXY
     */
    @Override
    public Builder proxy(ProxySelector proxySelector) {
      Objects.requireNonNull(proxySelector, "proxySelector");
      if (proxySelector != HttpClient.Builder.NO_PROXY) {
        throw new UnsupportedOperationException(
            "MooringHttpClient does not support proxies yet; requests would bypass "
                + proxySelector
                + ". Use the JDK HttpClient for proxied destinations.");
      }
      return this;
    }

    /** Answers {@code 401} challenges of the {@code Basic} scheme once per request. */
    @Override
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** The pool's settings (limits, timeouts, close policy, name); default the pool defaults. */
    public Builder poolSettings(PoolSettings settings) {
      this.poolSettings = Objects.requireNonNull(settings, "poolSettings");
      return this;
    }

    /** Socket and TLS settings of the transport; {@link #connectTimeout} overrides its timeout. */
    public Builder nettySettings(NettySettings settings) {
      this.nettySettings = Objects.requireNonNull(settings, "nettySettings");
      return this;
    }

    /** Where the request timer, the retry counter and the pool's meters go; none by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * The kernel port monitor the pool consults before opening a connection (past its high-water
     * mark toward a destination the pool waits for a pooled connection instead) and registers its
     * destinations with. The caller owns it: starts it, and closes it after the client. None by
     * default.
     */
    public Builder portMonitor(PortMonitor monitor) {
      this.portMonitor = Objects.requireNonNull(monitor, "portMonitor");
      return this;
    }

    /**
     * The {@code uri} tag of the request timer, which must have low cardinality (a path template,
     * never the raw path with ids). Default: {@code UNKNOWN} for every request.
     */
    public Builder uriTag(Function<HttpRequest, String> tagger) {
      this.uriTag = Objects.requireNonNull(tagger, "uriTag");
      return this;
    }

    /**
     * Whether the client records the {@code http.client.requests} timer on the {@link
     * #meterRegistry}; default true. Turn it off when a framework above the client times the same
     * requests under that name (Spring's observation of {@code RestClient}, {@code RestTemplate} or
     * {@code WebClient}), or every request is counted twice. The pool's {@code mooring.*} meters
     * and the retry counter stay.
     */
    public Builder requestMetrics(boolean enabled) {
      this.requestMetrics = enabled;
      return this;
    }

    /**
     * Which threads do the socket I/O; default {@link IoMode#EVENT_LOOP}. {@link
     * IoMode#CALLER_THREAD} suits clients whose callers block on every request anyway ({@code
     * send}, the HttpURLConnection drop-in, OkHttp's {@code Call} API): each caller does its own
     * exchange, with no thread hand-off.
     */
    public Builder io(IoMode mode) {
      this.io = Objects.requireNonNull(mode, "io");
      return this;
    }

    /** Limit of a response's status line plus headers, 1 KiB to 1 MiB; default 64 KiB. */
    public Builder maxResponseHeaderSize(int bytes) {
      if (bytes < 1024 || bytes > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxResponseHeaderSize is " + bytes + "; expected 1024..1048576");
      }
      this.maxResponseHeaderSize = bytes;
      return this;
    }

    /** Limit of a response body in bytes (positive); default none. */
    public Builder maxResponseBodySize(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxResponseBodySize is " + bytes + "; expected > 0");
      }
      this.maxResponseBodySize = bytes;
      return this;
    }

    /**
     * Builds a client with its own transport and pool; close it when done.
     *
     * @throws IllegalArgumentException if the connect timeout is not whole milliseconds
     */
    @Override
    public MooringHttpClient build() {
      return new MooringHttpClient(this);
    }
  }
}
