package io.mooring.apache5.internal;

import io.mooring.pool.Lease;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.EndpointInfo;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.ConnectionShutdownException;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HeaderElements;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One lease of a pooled connection, as Apache sees it: Apache executes its exchanges on it and
 * gives it back through the manager's {@code release}.
 *
 * <p>It decides how the connection ends. The last use the pool allows carries {@code Connection:
 * close}, so the server closes first; when the server closes (it said so, or it was asked) the
 * connection is handed to the idle watcher at once to close our half on the server's FIN. A
 * connection Apache discards after a complete exchange is retired (the pool aborts it: nothing is
 * in flight, so RST and no TIME_WAIT); one discarded mid-exchange, or whose response body was not
 * read to its end, is aborted at once, which also wakes a thread blocked reading it.
 *
 * <p>Thread safe as Apache requires: the lessee executes, and any thread may close (Apache's
 * cancellation).
 */
public final class MooringEndpoint extends ConnectionEndpoint {
  private final Lease<ApacheConnection> lease;
  private final HttpRoute route;
  private final AtomicBoolean released = new AtomicBoolean();

  /** Apache closed this endpoint: it never reuses it. */
  private volatile boolean discarded;

  /** A request went out and its response is not completely read. */
  private volatile boolean exchangeOpen;

  /** The server closes after the last exchange: it said so, or the request asked it to. */
  private volatile boolean serverCloses;

  /** Wraps a lease whose connection is open (or not connected yet). */
  public MooringEndpoint(Lease<ApacheConnection> lease, HttpRoute route) {
    this.lease = lease;
    this.route = route;
  }

  /** The pooled connection. */
  public ApacheConnection connection() {
    return lease.connection();
  }

  /** The route this endpoint was leased for. */
  public HttpRoute route() {
    return route;
  }

  @Override
  @Deprecated
  public ClassicHttpResponse execute(
      String id, ClassicHttpRequest request, HttpRequestExecutor executor, HttpContext context)
      throws IOException, HttpException {
    return execute(id, request, executor::execute, context);
  }

  @Override
  public ClassicHttpResponse execute(
      String id, ClassicHttpRequest request, RequestExecutor executor, HttpContext context)
      throws IOException, HttpException {
    ManagedHttpClientConnection http = openConnection();
    if (lease.isLastUse()) {
      request.setHeader(HttpHeaders.CONNECTION, HeaderElements.CLOSE);
    }
    boolean askedClose = ResponseHints.saysClose(request);
    exchangeOpen = true;
    ClassicHttpResponse response = executor.execute(request, http, context);
    serverCloses = askedClose || ResponseHints.serverCloses(response);
    ResponseHints.announce(response, lease);
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      exchangeOpen = false;
    } else {
      response.setEntity(new ExchangeEntity(entity, () -> exchangeOpen = false));
    }
    return response;
  }

  private ManagedHttpClientConnection openConnection() throws ConnectionShutdownException {
    ApacheConnection c = lease.connection();
    if (discarded || !c.isConnected()) {
      throw new ConnectionShutdownException();
    }
    return c.http();
  }

  @Override
  public boolean isConnected() {
    return !discarded && lease.connection().isConnected();
  }

  @Override
  public void setSocketTimeout(Timeout timeout) {
    lease.connection().http().setSocketTimeout(timeout);
  }

  @Override
  public EndpointInfo getInfo() {
    if (!isConnected()) {
      return null;
    }
    ManagedHttpClientConnection http = lease.connection().http();
    return new EndpointInfo(http.getProtocolVersion(), http.getSSLSession());
  }

  /**
   * Apache will not reuse the connection. With an exchange in flight it is aborted now (RST), which
   * also ends a read another thread is blocked in; otherwise {@link #release} decides.
   */
  @Override
  public void close(CloseMode mode) {
    discard();
  }

  /** Same as {@link #close(CloseMode)}: never a FIN from our side while bytes may be in flight. */
  @Override
  public void close() {
    discard();
  }

  private void discard() {
    discarded = true;
    if (exchangeOpen) {
      lease.fail(
          new ConnectionClosedException(
              "exchange with " + lease.destination() + " abandoned before its end"));
    }
  }

  /**
   * Ends the lease, once: an unconnected connection or an unfinished exchange is aborted; a
   * connection the server closes waits for the server's FIN, watched at once; one Apache keeps
   * ({@code keepAlive} not null nor zero, not discarded) goes back to the pool; any other is
   * retired, which the pool does with RST (nothing in flight, no TIME_WAIT).
   */
  public void release(TimeValue keepAlive) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    ApacheConnection c = lease.connection();
    if (!c.isConnected()) {
      lease.fail(
          new ConnectionClosedException(
              "connection to " + lease.destination() + " released unconnected or closed"));
      return;
    }
    if (exchangeOpen) {
      lease.fail(
          new ConnectionClosedException(
              "connection to " + lease.destination() + " released with its response unread"));
      return;
    }
    if (serverCloses) {
      lease.peerWillClose();
      lease.close();
      c.socket().awaitPeerClose();
      return;
    }
    ManagedHttpClientConnection http = c.http();
    boolean reuse =
        !discarded && keepAlive != null && keepAlive.getDuration() != 0 && http.isConsistent();
    if (!reuse) {
      lease.retire();
      lease.close();
      c.socket().awaitPeerClose(); // if the pool waits for the server's idle close, watch for it
      return;
    }
    http.passivate();
    lease.close();
  }
}
