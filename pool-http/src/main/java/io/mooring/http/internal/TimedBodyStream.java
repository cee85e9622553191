package io.mooring.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A response body as a blocking {@link InputStream} in which every read waits at most the read
 * timeout, as {@code SO_TIMEOUT} makes each socket read of the JDK's {@code HttpURLConnection} do.
 * A read that times out throws {@link SocketTimeoutException} and aborts the exchange (RST): the
 * rest of the body can no longer be read in step, so the connection must never be reused, and
 * aborting leaves no TIME_WAIT. Closing the stream early cancels the body (the exchange drains a
 * short rest to keep the connection, or aborts it).
 *
 * <p>The subscriber side is signalled serially by the body pump; the stream is for one reading
 * thread at a time, as any {@code InputStream}.
 */
final class TimedBodyStream extends InputStream
    implements HttpResponse.BodySubscriber<InputStream> {
  /** Body buffers asked for ahead of the reader, so reads seldom wait for the network. */
  private static final int PREFETCH = 4;

  private static final Object END = new Object();

  private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
  private final CompletableFuture<InputStream> body = CompletableFuture.completedFuture(this);
  private final IntSupplier timeoutMillis;
  private final URL url;
  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  private volatile Flow.Subscription subscription;
  private volatile IOException abortCause;
  private volatile boolean closed;
  private IOException failure;
  private boolean eof;

  private TimedBodyStream(IntSupplier timeoutMillis, URL url) {
    this.timeoutMillis = timeoutMillis;
    this.url = url;
  }

  /**
   * A handler of such streams for a response from {@code url}; {@code timeoutMillis} is read at
   * each read (0: wait for ever), so a timeout changed after the response arrived still counts.
   */
  static HttpResponse.BodyHandler<InputStream> handler(IntSupplier timeoutMillis, URL url) {
    return new Handler(timeoutMillis, url);
  }

  /**
   * The handler, a type of its own so that the caller-thread path can recognise it and read the
   * socket directly with the same per-read timeout ({@link SocketBodyStream}).
   *
   * @param timeoutMillis the read timeout, read at each read (0: none)
   * @param url the URL the response is for, named in failures
   */
  record Handler(IntSupplier timeoutMillis, URL url)
      implements HttpResponse.BodyHandler<InputStream> {
    @Override
    public HttpResponse.BodySubscriber<InputStream> apply(HttpResponse.ResponseInfo info) {
      return new TimedBodyStream(timeoutMillis, url);
    }
  }

  // ---------------------------------------------------------------- subscriber side

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (abortCause != null) {
      abort(s, abortCause);
    } else if (closed) {
      s.cancel();
    } else {
      s.request(PREFETCH);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    signals.add(item);
  }

  @Override
  public void onError(Throwable t) {
    signals.add(t);
  }

  @Override
  public void onComplete() {
    signals.add(END);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return body;
  }

  // ---------------------------------------------------------------- stream side

  @Override
  public int read() throws IOException {
    ByteBuffer b = current();
    return b == null ? -1 : b.get() & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      ensureOpen();
      return 0;
    }
    ByteBuffer buf = current();
    if (buf == null) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    long n = 0;
    for (ByteBuffer b : buffers) {
      n += b.remaining();
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    buffers.clear();
    Flow.Subscription s = subscription;
    if (s != null && !eof && failure == null) {
      s.cancel();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the response body stream of " + url + " is closed");
    }
  }

  /** The buffer to read from, waiting for one if needed; null at the end of the body. */
  @SuppressWarnings("unchecked")
  private ByteBuffer current() throws IOException {
    ensureOpen();
    while (true) {
      if (failure != null) {
        throw new IOException("reading the response body of " + url + " failed earlier", failure);
      }
      ByteBuffer head = buffers.peek();
      if (head != null && head.hasRemaining()) {
        return head;
      }
      if (head != null) {
        buffers.poll();
        continue;
      }
      if (eof) {
        return null;
      }
      Object signal = next();
      if (signal == END) {
        eof = true;
        return null;
      }
      if (signal instanceof Throwable t) {
        failure = t instanceof IOException io ? io : new IOException(t.toString(), t);
        throw failure;
      }
      buffers.addAll((List<ByteBuffer>) signal);
      subscription.request(1);
    }
  }

  private Object next() throws IOException {
    int timeout = timeoutMillis.getAsInt();
    Object signal;
    try {
      signal = timeout > 0 ? signals.poll(timeout, TimeUnit.MILLISECONDS) : signals.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw stop(new InterruptedIOException("interrupted reading the response body of " + url));
    }
    if (signal == null) {
      throw stop(UrlConnectionErrors.readTimeout(url, timeout, "reading the response body"));
    }
    return signal;
  }

  /** Ends the body with {@code e}, aborting the exchange; returns {@code e} to throw. */
  private IOException stop(IOException e) {
    failure = e;
    abortCause = e;
    Flow.Subscription s = subscription;
    if (s != null) {
      abort(s, e); // onSubscribe aborts instead when it comes later
    }
    return e;
  }

  private static void abort(Flow.Subscription s, IOException cause) {
    if (s instanceof AbortableSubscription a) {
      a.abort(cause);
    } else {
      s.cancel();
    }
  }
}
