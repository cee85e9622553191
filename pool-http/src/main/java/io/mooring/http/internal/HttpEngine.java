package io.mooring.http.internal;

import io.mooring.http.IoMode;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Transport;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.netty.NettyTransport;
import io.mooring.pool.socket.SocketSettings;
import io.mooring.pool.socket.SocketTransport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a client runs on: its own transport (a {@link NettyTransport} whose channels get the HTTP
 * codec, or for {@link IoMode#CALLER_THREAD} a {@link SocketTransport} of {@link HttpSocket}s), its
 * own {@link ConnectionPool}, the executor for user code, a timer for timeouts, and the meters.
 * Thread safe. {@link #close()} closes the pool, then the transport, then what the engine created
 * itself (never a user's executor).
 */
public final class HttpEngine implements AutoCloseable {
  private final ClientConfig config;
  private final AutoCloseable transport;
  private final ConnectionPool<?> pool;
  private final ConnectionPool<Channel> channels;
  private final ConnectionPool<HttpSocket> sockets;
  private volatile TlsLayer tls;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Timer timer;
  private final HttpMetrics metrics;
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  /** Set by {@link #shutdown()}, {@link #shutdownNow()} and {@link #close()}: no new requests. */
  private volatile boolean shut;

  /**
   * Builds the engine; {@code userExecutor} may be null (then a cached daemon pool is made). If
   * building fails, what was built is closed before the exception is thrown.
   */
  public HttpEngine(ClientConfig config, Executor userExecutor) {
    this.config = config;
    AutoCloseable builtTransport;
    ConnectionPool<Channel> builtChannels = null;
    ConnectionPool<HttpSocket> builtSockets = null;
    if (config.io() == IoMode.CALLER_THREAD) {
      SocketTransport<HttpSocket> st = socketTransport(config);
      builtTransport = st;
      try {
        builtSockets = newPool(config, st);
      } catch (RuntimeException | Error e) {
        closeAfterFailedBuild(null, st, e);
        throw e;
      }
    } else {
      NettyTransport nt = nettyTransport(config);
      builtTransport = nt;
      try {
        builtChannels = newPool(config, nt);
      } catch (RuntimeException | Error e) {
        closeAfterFailedBuild(null, nt, e);
        throw e;
      }
    }
    ConnectionPool<?> builtPool = builtChannels != null ? builtChannels : builtSockets;
    // From here on the transport is ours: if what follows fails (a meter that cannot be
    // registered), close it before rethrowing, or its threads and descriptors would outlive a
    // client that was never returned.
    try {
      this.metrics =
          new HttpMetrics(
              config.meterRegistry(), config.uriTag(), builtPool.name(), config.requestMetrics());
    } catch (RuntimeException | Error e) {
      closeAfterFailedBuild(builtPool, builtTransport, e);
      throw e;
    }
    this.transport = builtTransport;
    this.channels = builtChannels;
    this.sockets = builtSockets;
    this.pool = builtPool;
    if (userExecutor == null) {
      this.ownedExecutor = Executors.newCachedThreadPool(new DaemonThreadFactory("mooring-http"));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = userExecutor;
    }
    // Nearly every request arms a timeout and cancels it soon after: a wheel makes both a lock-free
    // enqueue with no wake-up of the timer thread, where a ScheduledThreadPoolExecutor takes a lock
    // and re-sorts its heap twice per request. Timeouts fire within one 10 ms tick.
    this.timer =
        new HashedWheelTimer(
            new DaemonThreadFactory("mooring-http-timer"), 10, TimeUnit.MILLISECONDS, 512);
  }

  private static NettyTransport nettyTransport(ClientConfig config) {
    NettyTransport.Builder tb =
        NettyTransport.builder()
            .settings(config.nettySettings())
            .channelInitializer(
                ch -> {
                  ResponseDecoder decoder = new ResponseDecoder(config.maxResponseHeaderSize());
                  ch.pipeline()
                      .addLast("http-encoder", new HttpRequestEncoder())
                      .addLast("http-decoder", decoder)
                      .addLast("http-exchange", new ExchangeHandler(decoder));
                });
    if (config.sslContext() != null || config.sslParameters() != null) {
      try {
        javax.net.ssl.SSLContext ctx =
            config.sslContext() != null
                ? config.sslContext()
                : javax.net.ssl.SSLContext.getDefault();
        String[] suites =
            config.sslParameters() == null ? null : config.sslParameters().getCipherSuites();
        String[] protocols =
            config.sslParameters() == null ? null : config.sslParameters().getProtocols();
        tb.sslContext(
            new JdkSslContext(
                ctx,
                true,
                suites == null ? null : Arrays.asList(suites),
                IdentityCipherSuiteFilter.INSTANCE,
                null,
                ClientAuth.NONE,
                protocols,
                false));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default SSLContext", e);
      }
    }
    return tb.build();
  }

  /**
   * The caller-thread transport: the Netty settings that apply to a blocking socket (connect
   * timeout, TCP_NODELAY, SO_KEEPALIVE) carry over; event-loop ones have no meaning there.
   */
  private static SocketTransport<HttpSocket> socketTransport(ClientConfig config) {
    NettySettings ns = config.nettySettings();
    SocketSettings ss =
        SocketSettings.builder()
            .connectTimeout(ns.connectTimeout())
            .tcpNoDelay(ns.tcpNoDelay())
            .soKeepAlive(ns.soKeepAlive())
            .build();
    int maxHead = config.maxResponseHeaderSize();
    return SocketTransport.<HttpSocket>builder(s -> new HttpSocket(s, maxHead))
        .settings(ss)
        .build();
  }

  private static <C> ConnectionPool<C> newPool(ClientConfig config, Transport<C> transport) {
    // The pool's default completion executor, though RequestFlow's acquire callback runs no user
    // code: completed directly on the event loop that connected, a waiting request goes out within
    // microseconds of the connect, before a stopping server's close of a connection it has just
    // accepted arrives, and a request written on a new connection is not retried (NginxRestartIT
    // without connect retries then sees resets). Direct completion needs that rule first.
    ConnectionPool.Builder<C> pb =
        ConnectionPool.builder(transport).settings(config.poolSettings());
    if (config.meterRegistry() != null) {
      pb.meterRegistry(config.meterRegistry());
    }
    if (config.portMonitor() != null) {
      pb.portMonitor(config.portMonitor());
    }
    return pb.build();
  }

  private static void closeAfterFailedBuild(
      ConnectionPool<?> pool, AutoCloseable transport, Throwable failure) {
    try {
      if (pool != null) {
        pool.close();
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      try {
        transport.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** The configuration. */
  public ClientConfig config() {
    return config;
  }

  /** The pool; owned by the engine. */
  public ConnectionPool<?> pool() {
    return pool;
  }

  /** The event-loop pool ({@link IoMode#EVENT_LOOP}). */
  ConnectionPool<Channel> channels() {
    return channels;
  }

  /** The caller-thread pool ({@link IoMode#CALLER_THREAD}). */
  ConnectionPool<HttpSocket> sockets() {
    return sockets;
  }

  /** The TLS layer for {@code dest} on the caller-thread path; null for plain HTTP. */
  TlsLayer tls(Destination dest) {
    if (!dest.scheme().equals("https")) {
      return null;
    }
    TlsLayer t = tls;
    if (t == null) {
      // Made at the first https request: the JDK's default context loads its trust store.
      t = TlsLayer.of(config);
      tls = t;
    }
    return t;
  }

  /** Where user code runs: callbacks, body subscribers, body publishers. */
  public Executor executor() {
    return executor;
  }

  HttpMetrics metrics() {
    return metrics;
  }

  Timer timer() {
    return timer;
  }

  /**
   * Sends {@code request} after validating it (throws {@link IllegalArgumentException} at once on
   * bad input), following redirects per {@code redirect}. With {@code blocking} the caller promises
   * to only wait on the returned future (as {@code HttpClient.send} does), so it may be completed
   * on any thread; otherwise it is completed on the executor, so no dependent action of the caller
   * runs on an event loop.
   */
  public <T> CompletableFuture<HttpResponse<T>> send(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpClient.Redirect redirect,
      boolean blocking) {
    return send(request, handler, redirect, blocking, PhaseTimeouts.NONE);
  }

  /**
   * As {@link #send(HttpRequest, HttpResponse.BodyHandler, HttpClient.Redirect, boolean)}, with
   * {@code timeouts} per phase (the HttpURLConnection drop-in's): a connect timeout fails the
   * request with {@link java.net.http.HttpConnectTimeoutException}, a head timeout with {@link
   * java.net.http.HttpTimeoutException}, and either aborts what is in flight.
   */
  public <T> CompletableFuture<HttpResponse<T>> send(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpClient.Redirect redirect,
      boolean blocking,
      PhaseTimeouts timeouts) {
    RequestValidator.validate(request);
    if (shut) {
      return refused(request);
    }
    if (sockets != null) {
      BlockingFlow<T> flow = new BlockingFlow<>(this, request, handler, redirect, timeouts);
      if (!track(flow)) {
        return refused(request);
      }
      return blocking ? flow.runHere() : flow.runOn(executor);
    }
    RequestFlow<T> flow = new RequestFlow<>(this, request, handler, redirect, blocking, timeouts);
    if (!track(flow)) {
      return refused(request);
    }
    flow.start();
    return flow.result();
  }

  /** Adds {@code flow} to the requests in flight unless the engine is shut; whether it was. */
  private boolean track(InFlight flow) {
    inFlight.add(flow);
    if (shut) { // a shutdown between the check and the add may have seen no request in flight
      inFlight.remove(flow);
      return false;
    }
    return true;
  }

  private static <T> CompletableFuture<T> refused(HttpRequest request) {
    return CompletableFuture.failedFuture(
        new IOException(
            "client is shut down or closed; cannot send "
                + request.method()
                + " "
                + request.uri()));
  }

  /** A flow ended: its result is complete and its last exchange gave its connection back. */
  void finished(InFlight flow) {
    if (inFlight.remove(flow) && shut && inFlight.isEmpty()) {
      terminateInBackground();
    }
  }

  /**
   * Refuses new requests and lets those in flight finish (their response bodies included); then
   * closes as {@link #close()} does, on a thread of its own. Idempotent; never blocks.
   */
  public void shutdown() {
    shut = true;
    if (inFlight.isEmpty()) {
      terminateInBackground();
    }
  }

  /**
   * Refuses new requests, fails every request in flight with an {@link IOException} (their
   * connections are aborted: RST, no TIME_WAIT), then closes as {@link #close()} does, on a thread
   * of its own. Never blocks.
   */
  public void shutdownNow() {
    shut = true;
    for (InFlight flow : inFlight) {
      flow.abortNow(
          new IOException(
              "client shut down now; "
                  + flow.request().method()
                  + " "
                  + flow.request().uri()
                  + " aborted"));
    }
    terminateInBackground();
  }

  /** Waits until the engine is closed, at most {@code timeout}; whether it is. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "duration");
    return terminated.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** Whether the engine is closed: pool, transport and owned executor. */
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  private void terminateInBackground() {
    if (!closing.get()) {
      // Closing blocks (the pool waits for the peer's FIN) and may be reached from an event loop.
      Thread t = new DaemonThreadFactory("mooring-http-shutdown").newThread(this::close);
      t.start();
    }
  }

  /** The pool destination of {@code uri} (already validated). */
  public static Destination destinationOf(URI uri) {
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      port = scheme.equals("https") ? 443 : 80;
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return Destination.of(scheme, host, port);
  }

  /**
   * Closes the pool (requests in flight fail), then the transport, then the owned executor and the
   * timer. Blocks until done, also when another thread is closing. Idempotent.
   */
  @Override
  public void close() {
    shut = true;
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      pool.close();
    } finally {
      try {
        closeTransport();
      } finally {
        timer.stop();
        if (ownedExecutor != null) {
          ownedExecutor.shutdown();
        }
        terminated.countDown();
      }
    }
  }

  private void closeTransport() {
    try {
      transport.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing the transport failed", e);
    }
  }

  private void awaitClosed() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
