package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException.Phase;
import io.mooring.http.MalformedResponseException;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response on one leased {@link HttpSocket}, done by the calling thread:
 * connects a new socket, writes the request, reads the final head, then hands out the body. Ends
 * the lease only the two ways {@link Exchange} does: {@link Lease#close()} once the response was
 * read completely (nothing left over) and the request fully written, else {@link
 * Lease#fail(Throwable)} (the socket is aborted: RST, never reused).
 *
 * <p>Confined to the calling thread, except {@link #abort}, which any thread may call (timeouts,
 * shutdown): it fails the lease, which closes the socket under a blocked read or write.
 */
final class SocketExchange {
  private final Lease<HttpSocket> lease;
  private final HttpSocket conn;
  private final HttpRequest request;
  private final Map<String, String> extraHeaders;
  private final TlsLayer tls;
  private final long maxBodySize;
  private final Destination destination;

  /** Whether the connection served a request before this one. */
  final boolean reused;

  private volatile boolean wroteAny;
  private volatile RequestWriter writer;
  private volatile Throwable abortCause;
  private volatile boolean ended;
  private Runnable onEnd = () -> {};
  private boolean connectFailed;

  /** Whether the peer will close the connection after this response (or was asked to). */
  private boolean peerCloses;

  private boolean responseStarted;
  private boolean requestDone;
  private ResponseBody body;

  SocketExchange(
      Lease<HttpSocket> lease,
      HttpRequest request,
      Map<String, String> extraHeaders,
      TlsLayer tls,
      long maxBodySize) {
    this.lease = lease;
    this.conn = lease.connection();
    this.request = request;
    this.extraHeaders = extraHeaders;
    this.tls = tls;
    this.maxBodySize = maxBodySize;
    this.destination = lease.destination();
    this.reused = conn.socket() != null;
  }

  /** Whether any byte of the request was handed to the socket. Any thread. */
  boolean wroteAny() {
    return wroteAny;
  }

  /** Whether the exception {@link #exchange} threw came from connecting (TCP or TLS). */
  boolean connectFailed() {
    return connectFailed;
  }

  /** Whether any byte of a response arrived. */
  boolean responseStarted() {
    return responseStarted;
  }

  /** Whether the lease ended (closed or failed). Any thread. */
  boolean ended() {
    return ended;
  }

  Destination destination() {
    return destination;
  }

  /** The request's URI. */
  java.net.URI uri() {
    return request.uri();
  }

  /**
   * Runs {@code r} once the lease ended, on the thread that ended it; set before {@link #exchange}.
   */
  void onEnd(Runnable r) {
    onEnd = r;
  }

  private void leaseEnded() {
    onEnd.run();
  }

  /**
   * Connects if the socket is new (within {@code connectTimeout}, the transport's when null),
   * writes the request and reads the final (non-1xx) head. On any failure the lease is failed
   * before the exception is thrown: a {@link java.net.ConnectException} or similar from the
   * connect, {@link PrematureCloseException} when the connection ended before any response byte,
   * {@link MalformedResponseException}, or an {@link io.mooring.http.HttpExchangeException} naming
   * the phase.
   */
  ResponseHead exchange(Duration connectTimeout) throws IOException {
    if (abortCause != null) { // aborted before it began: no connect for nothing
      throw failWith(new IOException("aborted", abortCause));
    }
    try {
      conn.open(connectTimeout, tls);
    } catch (IOException | RuntimeException e) {
      connectFailed = true;
      fail(e);
      throw e;
    }
    conn.used();
    boolean lastUse = lease.isLastUse();
    if (lastUse) {
      lease.peerWillClose();
    }
    try {
      RequestWriter w =
          new RequestWriter(conn.out(), request, extraHeaders, lastUse, () -> wroteAny = true);
      writer = w;
      if (abortCause != null) { // an abort before the writer was visible to it
        throw new IOException("aborted", abortCause);
      }
      w.write();
      requestDone = true;
      WireHead head = readHead();
      body =
          ResponseBody.open(
              head, conn.in(), maxBodySize, request.method(), request.uri(), destination);
      KeepAliveHints.apply(head.http10(), head.headers(), lease);
      peerCloses =
          lastUse
              || !body.reusable()
              || KeepAliveHints.serverWillClose(head.http10(), head.headers());
      if (!body.reusable()) {
        lease.peerWillClose();
      }
      return new ResponseHead(
          head.statusCode(), head.reasonPhrase(), head.headers(), conn.session());
    } catch (IOException | RuntimeException e) {
      throw failWith(e);
    }
  }

  private WireHead readHead() throws IOException {
    while (true) {
      WireHead head;
      try {
        head = conn.heads().read(conn.in(), request.method(), request.uri(), destination);
      } catch (PrematureCloseException e) {
        throw e;
      } catch (IOException e) {
        // The reader's own failures mean bytes of a response came; a socket error may not.
        responseStarted |=
            e instanceof io.mooring.http.HttpExchangeException
                || e instanceof MalformedResponseException;
        throw e;
      }
      responseStarted = true;
      if (head.statusCode() >= 200) {
        return head;
      }
      // 1xx (the reader refuses 101): no body, the final response follows
    }
  }

  /** The connection's read buffer (see {@link HttpSocket#scratch()}). */
  byte[] scratch() {
    return conn.scratch();
  }

  /** The socket the exchange does its I/O on. */
  java.net.Socket socket() {
    return conn.socket();
  }

  /** The response body; valid once {@link #exchange} returned. */
  ResponseBody body() {
    return body;
  }

  /**
   * The body was read to its end: keeps the connection, unless the server sent more than the
   * response (which the next exchange would take as its own response: forged) or the server said it
   * closes, in which case the watcher answers its FIN at once.
   */
  void finish() {
    if (ended) {
      return;
    }
    int leftover = conn.in().buffered();
    if (leftover > 0) {
      fail(
          new MalformedResponseException(
              destination
                  + " sent "
                  + leftover
                  + " bytes after the end of its response to "
                  + request.method()
                  + " "
                  + request.uri()
                  + "; connection aborted",
              null));
      return;
    }
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    lease.close();
    if (peerCloses) {
      conn.watchedSocket().awaitPeerClose();
    }
    leaseEnded();
  }

  /**
   * Gives up the rest of the body: drops up to {@link Exchange#DRAIN_LIMIT} bytes, within {@link
   * Exchange#DRAIN_TIMEOUT_MS} (a {@code timer} entry aborts a drain that takes longer), to keep
   * the connection; else aborts it. Never throws: a failed drain only costs the connection.
   */
  void discard(Timer timer) {
    if (ended) {
      return;
    }
    Timeout drainTimer =
        timer.newTimeout(
            t ->
                abort(
                    new IOException(
                        "response body from "
                            + destination
                            + " was not consumed and did not end within "
                            + Exchange.DRAIN_TIMEOUT_MS
                            + " ms; connection aborted")),
            Exchange.DRAIN_TIMEOUT_MS,
            TimeUnit.MILLISECONDS);
    try {
      body.drain(Exchange.DRAIN_LIMIT);
      if (body.complete()) {
        finish();
      } else {
        fail(
            new IOException(
                "response body from "
                    + destination
                    + " was not consumed and is over "
                    + Exchange.DRAIN_LIMIT
                    + " bytes; connection aborted"));
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    } finally {
      drainTimer.cancel();
    }
  }

  /** Ends the exchange with {@code cause} from any thread: the socket is aborted. */
  void abort(Throwable cause) {
    if (abortCause == null) {
      abortCause = cause;
    }
    RequestWriter w = writer;
    if (w != null) {
      w.abort(cause);
    }
    fail(cause);
  }

  /** The cause given to {@link #abort}, or null. */
  Throwable abortCause() {
    return abortCause;
  }

  /** Fails the lease (first end wins); the pool aborts the socket. */
  void fail(Throwable cause) {
    synchronized (this) { // the lessee and an aborting thread may both get here
      if (ended) {
        return;
      }
      ended = true;
    }
    lease.fail(cause);
    leaseEnded();
  }

  /**
   * Fails the lease and returns the exception to throw for {@code e}: an abort's cause when the
   * exchange was aborted, {@code e} itself when it already names the exchange, else {@code e}
   * wrapped with the request and the phase.
   */
  IOException failWith(Throwable e) {
    fail(e);
    Throwable aborted = abortCause;
    if (aborted instanceof IOException io) {
      return io;
    }
    if (e instanceof PrematureCloseException
        || e instanceof MalformedResponseException
        || e instanceof RequestBodyException
        || e instanceof io.mooring.http.HttpExchangeException) {
      return (IOException) e;
    }
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    long read = body == null ? 0 : body.bytesRead();
    return TransportErrors.exchange(request.method(), request.uri(), phase(), read, e);
  }

  private Phase phase() {
    if (body != null) {
      return Phase.READING_BODY;
    }
    return responseStarted || requestDone ? Phase.WAITING_FOR_HEAD : Phase.SENDING_REQUEST;
  }
}
