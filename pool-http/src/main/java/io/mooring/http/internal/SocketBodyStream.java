package io.mooring.http.internal;

import io.netty.util.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.util.function.IntSupplier;

/**
 * A response body read straight from the socket by the thread that reads the stream: what {@code
 * BodyHandlers.ofInputStream()} and the HttpURLConnection drop-in get on the caller-thread path, so
 * a read is one socket read with no thread in between. At the body's end the connection goes back
 * to the pool; closing the stream early drains a short rest (within {@link Exchange#DRAIN_LIMIT}
 * and {@link Exchange#DRAIN_TIMEOUT_MS}) to keep the connection, else aborts it. A read timeout
 * (the drop-in's, read at each read) is the socket's {@code SO_TIMEOUT}; a read that times out
 * throws {@link SocketTimeoutException} and aborts the connection, which can no longer be read in
 * step.
 *
 * <p>For one reading thread at a time, as any {@code InputStream}; {@link #close()} may also come
 * from another thread (a cancelled call), which aborts the connection under a blocked read.
 */
final class SocketBodyStream extends InputStream {
  private final SocketExchange ex;
  private final IntSupplier timeoutMillis;
  private final URI uri;
  private final URL url;
  private final Timer timer;
  private int appliedTimeout;
  private volatile boolean closed;

  /** Whether a read is in progress: a close from another thread then aborts instead of draining. */
  private volatile boolean reading;

  private boolean eof;

  /**
   * A stream over {@code ex}'s body; {@code timeoutMillis} null for no read timeout, {@code url}
   * named in a read timeout's message (the drop-in's), {@code timer} bounds the drain at close.
   */
  SocketBodyStream(SocketExchange ex, IntSupplier timeoutMillis, URL url, URI uri, Timer timer) {
    this.ex = ex;
    this.timeoutMillis = timeoutMillis;
    this.url = url;
    this.uri = uri;
    this.timer = timer;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("the response body stream of " + uri + " is closed");
    }
    if (eof) {
      return -1;
    }
    if (ex.ended()) {
      throw aborted();
    }
    if (len == 0) {
      return 0;
    }
    int timeout = applyTimeout();
    int n;
    reading = true;
    try {
      n = ex.body().read(b, off, len);
    } catch (SocketTimeoutException e) {
      IOException t =
          url != null
              ? UrlConnectionErrors.readTimeout(url, timeout, "reading the response body")
              : e;
      ex.fail(t);
      throw t;
    } catch (IOException | RuntimeException e) {
      throw ex.ended() && ex.abortCause() != null ? aborted() : ex.failWith(e);
    } finally {
      reading = false;
    }
    if (n < 0) {
      eof = true;
      resetTimeout();
      ex.finish();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return closed || eof || ex.ended() ? 0 : Math.min(ex.body().available(), Integer.MAX_VALUE);
  }

  /**
   * Ends the body: at its end nothing is left to do; before it, what is left is drained (bounded)
   * to keep the connection, or the connection is aborted. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (eof || ex.ended()) {
      return;
    }
    if (reading) {
      // Another thread is blocked in a read (a cancelled call): draining here would read the
      // socket beside it. Abort: the reset ends that read, and the connection is not reused.
      ex.abort(new IOException("the response body of " + uri + " was closed while being read"));
      return;
    }
    try {
      resetTimeout();
    } catch (IOException e) {
      ex.fail(e);
      return;
    }
    ex.discard(timer);
  }

  private IOException aborted() {
    Throwable cause = ex.abortCause();
    if (cause instanceof IOException io) {
      return io;
    }
    return new IOException("the response body of " + uri + " was aborted", cause);
  }

  /** Sets the socket's read timeout to the current one if it changed; returns it. */
  private int applyTimeout() throws IOException {
    int t = timeoutMillis == null ? 0 : Math.max(0, timeoutMillis.getAsInt());
    if (t != appliedTimeout) {
      Socket s = ex.socket();
      s.setSoTimeout(t);
      appliedTimeout = t;
    }
    return t;
  }

  /** The next exchange on the connection reads without a timeout again. */
  private void resetTimeout() throws IOException {
    if (appliedTimeout != 0) {
      ex.socket().setSoTimeout(0);
      appliedTimeout = 0;
    }
  }
}
