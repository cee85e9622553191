package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException;
import io.mooring.http.MalformedResponseException;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.netty.PooledChannels;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request and its response on one leased channel: writes the request, decodes the response,
 * feeds the body to a subscriber at the subscriber's pace, and ends the lease the only two ways
 * allowed: {@link Lease#close()} once the response was read completely and the request fully
 * written, else {@link Lease#fail(Throwable)} (the connection is aborted, never reused dirty).
 *
 * <p>Event-loop confined except where a method says "any thread" (those hop onto the loop). The
 * exchange owns the lease from {@link #start()} until it ends it; nobody else touches it.
 */
final class Exchange implements ResponseBodyPump.Owner, RequestBodyWriter.Owner {
  /** Unread response bytes a cancelled body may still drain to keep the connection. */
  static final int DRAIN_LIMIT = 64 * 1024;

  /** How long a cancelled body may take to drain. */
  static final long DRAIN_TIMEOUT_MS = 2_000;

  /**
   * Body bytes still to send after a response that ended early, up to which the body is finished
   * (and the connection kept) rather than the connection aborted.
   */
  static final long FINISH_LIMIT = 1024 * 1024;

  /** Requests sent on a channel so far: more than zero means the channel is reused. */
  static final AttributeKey<Integer> USES = AttributeKey.valueOf("mooring.http.uses");

  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

  private final Lease<Channel> lease;
  private final Channel ch;
  private final HttpRequest request;
  private final Map<String, String> extraHeaders;
  private final Executor executor;
  private final long maxBodySize;
  private final Destination destination;
  private final CompletableFuture<ResponseHead> head = new CompletableFuture<>();
  private final ResponseBodyPump pump;

  /** Whether the channel served a request before this one; set at construction. */
  final boolean reused;

  private volatile boolean wroteAny;
  private volatile boolean ended;
  private Runnable onEnd = () -> {};
  private volatile boolean responseStarted;

  private ExchangeHandler handler;
  private RequestBodyWriter writer;
  private boolean finished;
  private boolean requestDone;
  private boolean responseDone;
  private boolean informational;
  private boolean headSeen;
  private boolean draining;
  private boolean serverWillClose;
  private long bodyBytes;
  private long drained;
  private ScheduledFuture<?> drainTimer;

  /**
   * An exchange on {@code lease}'s channel. {@code executor} runs the request body publisher;
   * {@code bodyExecutor} signals the response body subscriber (the executor, or a direct executor
   * for {@link InlineBodyHandlers}).
   */
  Exchange(
      Lease<Channel> lease,
      HttpRequest request,
      Map<String, String> extraHeaders,
      Executor executor,
      Executor bodyExecutor,
      long maxBodySize) {
    this.lease = lease;
    this.ch = lease.connection();
    this.request = request;
    this.extraHeaders = extraHeaders;
    this.executor = executor;
    this.maxBodySize = maxBodySize;
    this.destination = lease.destination();
    Integer uses = ch.attr(USES).get();
    this.reused = uses != null && uses > 0;
    this.pump = new ResponseBodyPump(bodyExecutor, this);
  }

  /** Completes with the final (non-1xx) response head, or fails. Completes on the event loop. */
  CompletableFuture<ResponseHead> head() {
    return head;
  }

  /** Whether any byte of the request was handed to the socket. */
  boolean wroteAny() {
    return wroteAny;
  }

  /** Runs {@code r} on the event loop once the lease ended; set before {@link #start()}. */
  void onEnd(Runnable r) {
    onEnd = r;
  }

  /** Whether the lease ended (closed or failed). Any thread. */
  boolean ended() {
    return ended;
  }

  private void leaseEnded() {
    ended = true;
    onEnd.run();
  }

  /** Whether any byte of a response arrived. */
  boolean responseStarted() {
    return responseStarted;
  }

  /** The lease's destination. */
  Destination destination() {
    return destination;
  }

  /**
   * Starts feeding the body to {@code subscriber}; call once, after {@link #head()} completed.
   * {@code onFailure} hears if the subscriber throws or the executor refuses to signal it.
   */
  void deliverBody(BodySubscriber<?> subscriber, Consumer<Throwable> onFailure) {
    pump.start(subscriber, onFailure);
  }

  /** Fails the exchange from any thread (timeouts, cancellation). */
  void abort(Throwable cause) {
    ch.eventLoop().execute(() -> fail(cause));
  }

  /** Writes the request. Event loop. */
  void start() {
    handler = ch.pipeline().get(ExchangeHandler.class);
    ResponseDecoder decoder = ch.pipeline().get(ResponseDecoder.class);
    if (!ch.isActive() || handler == null || decoder == null) {
      fail(closed("connection to " + destination + " closed before the request was sent"));
      return;
    }
    handler.attach(this);
    PooledChannels.markLeased(ch);
    ch.config().setAutoRead(false); // reads follow the body subscriber's demand
    Integer uses = ch.attr(USES).get();
    ch.attr(USES).set(uses == null ? 1 : uses + 1);
    decoder.expectHeadResponse(request.method().equals("HEAD"));

    DefaultHttpRequest head =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(request.method()),
            RequestHeadFields.target(request.uri()));
    Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
    long length = publisher.map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
    io.netty.handler.codec.http.HttpHeaders h = head.headers();
    RequestHeadFields.forEach(
        request, extraHeaders, lease.isLastUse(), length, (n, v) -> h.add(nettyName(n), v));
    if (lease.isLastUse()) {
      lease.peerWillClose();
    }

    LastHttpContent whole =
        length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT : inMemory(publisher.get(), length);
    if (whole != null) {
      // The head and the whole body in one flush: the body is complete on the wire before the
      // server can answer, and no executor hop is needed.
      ch.write(head).addListener(this::headWritten);
      ch.writeAndFlush(whole)
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  bodyWritten();
                }
              });
    } else {
      writer = new RequestBodyWriter(ch, executor, length, this);
      RequestBodyWriter w = writer;
      HttpRequest.BodyPublisher p = publisher.get();
      ch.writeAndFlush(head)
          .addListener(
              (ChannelFuture f) -> {
                headWritten(f);
                // Subscribe only once the head is out: a request nothing of which was written has
                // not touched its publisher, so it can be retried even with a one-shot body.
                if (f.isSuccess() && !finished) {
                  subscribe(p, w);
                }
              });
    }
    ch.read();
  }

  /** The whole body as the message's last content if {@code p} holds it in memory, else null. */
  private static LastHttpContent inMemory(HttpRequest.BodyPublisher p, long length) {
    if (length < 0 || !BodyReplay.inMemory(p)) {
      return null;
    }
    ByteBuf bytes = InMemoryBody.take(p, length);
    return bytes == null ? null : new DefaultLastHttpContent(bytes);
  }

  private void subscribe(HttpRequest.BodyPublisher p, RequestBodyWriter w) {
    try {
      executor.execute(
          () -> {
            try {
              p.subscribe(w);
            } catch (RuntimeException e) {
              w.onError(e);
            }
          });
    } catch (RuntimeException e) {
      fail(rejected("send the request body", e));
    }
  }

  /** The failure when the executor refuses a task: names the request and what could not run. */
  IOException rejected(String task, RuntimeException e) {
    return new IOException(
        "the executor refused to "
            + task
            + " of "
            + request.method()
            + " "
            + request.uri()
            + "; request aborted: "
            + e,
        e);
  }

  private void headWritten(io.netty.util.concurrent.Future<? super Void> f) {
    if (f.isSuccess()) {
      wroteAny = true;
    } else {
      fail(ioFailure(f.cause()));
    }
  }

  // ------------------------------------------------------------ RequestBodyWriter.Owner

  @Override
  public void bodyWritten() {
    if (!ch.eventLoop().inEventLoop()) {
      ch.eventLoop().execute(this::bodyWritten);
      return;
    }
    requestDone = true;
    if (responseDone && !finished) {
      release();
    }
  }

  @Override
  public void bodyFailed(Throwable cause) {
    if (cause instanceof RequestBodyException) {
      abort(cause);
    } else {
      ch.eventLoop().execute(() -> fail(ioFailure(cause))); // the channel's write failed
    }
  }

  // ------------------------------------------------------------ ResponseBodyPump.Owner

  @Override
  public void wantMore() {
    ch.read();
  }

  @Override
  public void subscriberFailed(Throwable cause) {
    abort(cause);
  }

  @Override
  public void cancelled() {
    ch.eventLoop()
        .execute(
            () -> {
              if (finished || draining) {
                return;
              }
              draining = true;
              drainTimer =
                  ch.eventLoop()
                      .schedule(
                          () ->
                              fail(
                                  new IOException(
                                      "response body from "
                                          + destination
                                          + " was not consumed and did not end within "
                                          + DRAIN_TIMEOUT_MS
                                          + " ms; connection aborted")),
                          DRAIN_TIMEOUT_MS,
                          TimeUnit.MILLISECONDS);
              ch.read();
            });
  }

  @Override
  public void aborted(Throwable cause) {
    abort(cause);
  }

  // ------------------------------------------------------------ from ExchangeHandler

  void onMessage(Object msg) {
    try {
      if (finished) {
        return;
      }
      if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
        responseStarted = true;
        Throwable cause = o.decoderResult().cause();
        fail(
            cause instanceof PrematureChannelClosureException
                ? TransportErrors.exchange(
                    request.method(),
                    request.uri(),
                    phase(),
                    bodyBytes,
                    "connection closed by " + destination + " in the middle of the response head",
                    cause)
                : malformed(cause));
        return;
      }
      if (msg instanceof HttpResponse r) {
        onHead(r);
      }
      if (msg instanceof HttpContent c && !finished) {
        onContent(c);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  void onReadComplete() {
    if (finished) {
      return;
    }
    if (!headSeen || informational || draining || pump.wantsMore()) {
      ch.read();
    }
  }

  void onInactive() {
    if (finished) {
      return;
    }
    if (responseStarted) {
      fail(
          TransportErrors.exchange(
              request.method(),
              request.uri(),
              phase(),
              bodyBytes,
              "connection closed by " + destination + " before the response ended",
              null));
    } else {
      fail(closed("connection closed by " + destination + " before any response byte"));
    }
  }

  /** A transport error of the channel (reset, failed read or write), from the pipeline. */
  void onError(Throwable cause) {
    fail(ioFailure(cause));
  }

  /** What the exchange was doing; event loop. */
  private HttpExchangeException.Phase phase() {
    if (headSeen) {
      return HttpExchangeException.Phase.READING_BODY;
    }
    return responseStarted || requestDone
        ? HttpExchangeException.Phase.WAITING_FOR_HEAD
        : HttpExchangeException.Phase.SENDING_REQUEST;
  }

  /** {@code cause} from the transport, as the caller sees it: naming the request and the phase. */
  private IOException ioFailure(Throwable cause) {
    return TransportErrors.exchange(request.method(), request.uri(), phase(), bodyBytes, cause);
  }

  /** The connection ended before any response byte: the retry rule may try again. */
  private PrematureCloseException closed(String what) {
    HttpExchangeException.Phase phase = phase();
    return new PrematureCloseException(
        TransportErrors.describe(request.method(), request.uri(), phase, 0, what), phase);
  }

  /** Ends the exchange with {@code cause}: the connection is aborted. Event loop. */
  void fail(Throwable cause) {
    if (!ch.eventLoop().inEventLoop()) {
      abort(cause);
      return;
    }
    if (finished) {
      return;
    }
    finished = true;
    LOG.log(System.Logger.Level.DEBUG, () -> "exchange failed on " + ch, cause);
    if (handler != null) {
      handler.detach(this);
    }
    if (drainTimer != null) {
      drainTimer.cancel(false);
    }
    // The lease ends first: nothing below (the publisher's cancel, the subscriber's signals) may
    // keep the connection from being aborted.
    lease.fail(cause);
    leaseEnded();
    if (writer != null) {
      writer.stop();
    }
    if (!head.isDone()) {
      head.completeExceptionally(cause);
    } else if (!responseDone) { // a response read whole stays good if finishing the request fails
      pump.error(cause instanceof IOException ? cause : new IOException(cause.toString(), cause));
    }
  }

  private void onHead(HttpResponse r) {
    responseStarted = true;
    int status = r.status().code();
    if (status >= 100 && status < 200) {
      if (status == 101) {
        fail(malformed(new IllegalStateException("unexpected 101 Switching Protocols")));
      } else {
        informational = true;
      }
      return;
    }
    headSeen = true;
    serverWillClose = KeepAliveHints.serverWillClose(r);
    KeepAliveHints.apply(r, lease);
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    head.complete(
        new ResponseHead(
            status,
            r.status().reasonPhrase(),
            toJdkHeaders(r.headers()),
            tls == null ? null : tls.engine().getSession()));
  }

  private void onContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (informational) {
      if (last) {
        informational = false;
      }
      return;
    }
    int n = c.content().readableBytes();
    bodyBytes += n;
    if (bodyBytes > maxBodySize) {
      fail(
          new MalformedResponseException(
              "response body from "
                  + destination
                  + " exceeds the limit of "
                  + maxBodySize
                  + " bytes (maxResponseBodySize)",
              null));
      return;
    }
    if (draining) {
      drained += n;
      if (drained > DRAIN_LIMIT) {
        fail(
            new IOException(
                "response body from "
                    + destination
                    + " was not consumed and is over "
                    + DRAIN_LIMIT
                    + " bytes; connection aborted"));
        return;
      }
    } else if (n > 0) {
      ByteBuffer copy = ByteBuffer.allocate(n);
      c.content().readBytes(copy);
      copy.flip();
      pump.offer(copy);
    }
    if (last) {
      responseDone = true;
      if (requestDone) {
        release();
      } else if (canFinishRequest()) {
        finishRequest();
      } else {
        // The server answered before the request body was sent and the rest cannot be sent in
        // bounded time, or the connection ends anyway: abort it; the response itself is fine.
        finished = true;
        handler.detach(this);
        lease.fail(
            new IOException("response from " + destination + " ended before the request body"));
        leaseEnded();
        if (writer != null) {
          writer.stop();
        }
      }
      pump.complete();
    }
  }

  /**
   * Whether the connection can be kept although the response ended before the request body: the
   * server will not close, and what is left of the body is bounded (held in memory already, or a
   * fixed length of at most {@link #FINISH_LIMIT} more bytes).
   */
  private boolean canFinishRequest() {
    if (serverWillClose || lease.isLastUse()) {
      return false;
    }
    return writer == null || writer.remaining() <= FINISH_LIMIT;
  }

  /** Keeps the connection until the body is written ({@link #bodyWritten} releases it), bounded. */
  private void finishRequest() {
    drainTimer =
        ch.eventLoop()
            .schedule(
                () ->
                    fail(
                        new IOException(
                            "request body to "
                                + destination
                                + " was not taken within "
                                + DRAIN_TIMEOUT_MS
                                + " ms after the response ended; connection aborted")),
                DRAIN_TIMEOUT_MS,
                TimeUnit.MILLISECONDS);
  }

  private void release() {
    finished = true;
    handler.detach(this);
    if (drainTimer != null) {
      drainTimer.cancel(false);
    }
    int unread = handler.unreadBytes();
    if (unread > 0) {
      // The server sent more than this response (a body on HEAD/204/304, more than its
      // Content-Length): read by the next exchange those bytes would be its response, forged.
      // The response itself was complete, so it is delivered (as Go and curl do); the connection
      // is not.
      lease.fail(
          new MalformedResponseException(
              destination
                  + " sent "
                  + unread
                  + " bytes after the end of its response to "
                  + request.method()
                  + " "
                  + request.uri()
                  + "; connection aborted",
              null));
      leaseEnded();
      return;
    }
    PooledChannels.markIdle(ch);
    ch.config().setAutoRead(true);
    lease.close();
    leaseEnded();
  }

  private MalformedResponseException malformed(Throwable cause) {
    return new MalformedResponseException(
        "malformed response from "
            + destination
            + " to "
            + request.method()
            + " "
            + request.uri()
            + ": "
            + (cause.getMessage() != null ? cause.getMessage() : cause.toString()),
        cause);
  }

  /**
   * Netty's constant for a name the client sets itself: the encoder copies an {@code AsciiString}
   * name whole, a {@code String} one character at a time, and validates it again per request.
   */
  private static CharSequence nettyName(String name) {
    if (name == RequestHeadFields.HOST) {
      return HttpHeaderNames.HOST;
    } else if (name == RequestHeadFields.USER_AGENT) {
      return HttpHeaderNames.USER_AGENT;
    } else if (name == RequestHeadFields.CONTENT_LENGTH) {
      return HttpHeaderNames.CONTENT_LENGTH;
    } else if (name == RequestHeadFields.CONNECTION) {
      return HttpHeaderNames.CONNECTION;
    } else if (name == RequestHeadFields.TRANSFER_ENCODING) {
      return HttpHeaderNames.TRANSFER_ENCODING;
    }
    return name;
  }

  private static HttpHeaders toJdkHeaders(io.netty.handler.codec.http.HttpHeaders nh) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> e : nh) {
      map.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }
}
