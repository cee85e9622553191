package io.mooring.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;

/**
 * A request body written by the caller through an {@link OutputStream} while the request is already
 * on its way ({@code HttpURLConnection} streaming modes): a {@link HttpRequest.BodyPublisher} of
 * fixed length or chunked, holding at most a few buffers (writers block while the connection cannot
 * take more). One-shot: it cannot be replayed, so such a request is never retried after it started.
 *
 * <p>Thread safe: the caller writes on its thread, the subscriber requests on the executor.
 */
public final class StreamingBody implements HttpRequest.BodyPublisher {
  private static final int MAX_QUEUED = 4;

  private final long length;
  private final int chunkSize;
  private final Object lock = new Object();
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private boolean closed;
  private boolean terminated;
  private boolean cancelled;
  private boolean emitting;
  private IOException failure;
  private volatile Future<?> exchange;

  /**
   * A body of {@code length} bytes, or chunked when -1, delivered in pieces of {@code chunkSize}.
   */
  public StreamingBody(long length, int chunkSize) {
    this.length = length;
    this.chunkSize = Math.max(512, chunkSize);
  }

  /** The exchange the body belongs to: when it ends, blocked writers give up. */
  public void exchange(Future<?> exchange) {
    this.exchange = exchange;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    synchronized (lock) {
      if (subscriber != null) {
        throw new IllegalStateException("a streaming body can be sent only once");
      }
      subscriber = s;
    }
    s.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            synchronized (lock) {
              demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            emit();
          }

          @Override
          public void cancel() {
            synchronized (lock) {
              cancelled = true;
              queue.clear();
              lock.notifyAll();
            }
          }
        });
    emit();
  }

  /** The stream the caller writes the body to; closing it ends the body. */
  public OutputStream outputStream() {
    return new Out();
  }

  private void emit() {
    while (true) {
      Flow.Subscriber<? super ByteBuffer> s;
      ByteBuffer item = null;
      IOException error = null;
      boolean complete = false;
      synchronized (lock) {
        if (emitting || subscriber == null || terminated || cancelled) {
          return;
        }
        s = subscriber;
        if (failure != null) {
          // also when the exchange subscribes only after the body failed: it must hear of it
          terminated = true;
          error = failure;
          queue.clear();
        } else if (demand > 0 && !queue.isEmpty()) {
          item = queue.poll();
          demand--;
          lock.notifyAll();
        } else if (closed && queue.isEmpty()) {
          terminated = true;
          complete = true;
        } else {
          return;
        }
        emitting = true;
      }
      try {
        if (error != null) {
          s.onError(error);
          return;
        }
        if (complete) {
          s.onComplete();
          return;
        }
        s.onNext(item);
      } finally {
        synchronized (lock) {
          emitting = false;
        }
      }
    }
  }

  /** Ends the body with {@code e}: the exchange is aborted and the caller's writes fail. */
  private IOException fail(IOException e) {
    synchronized (lock) {
      if (failure == null) {
        failure = e;
      }
      lock.notifyAll();
    }
    emit();
    return e;
  }

  private void enqueue(ByteBuffer b) throws IOException {
    synchronized (lock) {
      while (queue.size() >= MAX_QUEUED && !cancelled) {
        Future<?> ex = exchange;
        if (ex != null && ex.isDone()) {
          break;
        }
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while writing the request body");
        }
      }
      Future<?> ex = exchange;
      if (failure != null) {
        throw new IOException("the request body failed earlier: " + failure.getMessage(), failure);
      }
      if (cancelled || (ex != null && ex.isDone())) {
        throw new IOException("the request ended; its body can no longer be written");
      }
      queue.add(b);
    }
    emit();
  }

  private final class Out extends OutputStream {
    private ByteBuffer current;
    private long written;
    private boolean outClosed;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (outClosed) {
        throw new IOException("stream is closed");
      }
      if (length >= 0 && written + len > length) {
        // As the JDK does, the request ends here: the server must not wait for the rest.
        throw fail(
            new IOException(
                "too many bytes written: "
                    + (written + len)
                    + " bytes for the fixed length of "
                    + length));
      }
      written += len;
      while (len > 0) {
        if (current == null) {
          current = ByteBuffer.allocate(chunkSize);
        }
        int n = Math.min(len, current.remaining());
        current.put(b, off, n);
        off += n;
        len -= n;
        if (!current.hasRemaining()) {
          flushCurrent();
        }
      }
    }

    @Override
    public void flush() throws IOException {
      if (!outClosed) {
        flushCurrent();
      }
    }

    private void flushCurrent() throws IOException {
      if (current != null && current.position() > 0) {
        ByteBuffer b = current.flip();
        current = null;
        enqueue(b);
      }
    }

    @Override
    public void close() throws IOException {
      if (outClosed) {
        return;
      }
      outClosed = true;
      if (length >= 0 && written != length) {
        IOException e =
            new IOException(
                "insufficient data written: "
                    + written
                    + " of the fixed length "
                    + length
                    + " bytes");
        fail(e);
        throw e;
      }
      flushCurrent();
      synchronized (lock) {
        closed = true;
      }
      emit();
    }
  }
}
