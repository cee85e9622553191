package io.mooring.http.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one request to a blocking stream on the caller's thread: the head, then the body, then a
 * flush. An in-memory body goes out in the head's write, so the server has the whole request before
 * it can answer; any other publisher is subscribed only once the head is written (a request nothing
 * of which went out has not touched a one-shot body) and asked for one item at a time, each item
 * written as it comes, framed as chunks when the length is unknown. The stream is flushed whenever
 * the writer would wait for the publisher, and at the end.
 *
 * <p>{@link #write()} runs once, on the caller's thread; {@link #abort} may be called from any
 * thread. The stream belongs to the caller, who closes it (and closing its socket is what ends a
 * write blocked in the kernel).
 */
final class RequestWriter {
  /**
   * An in-memory body of up to this many bytes is copied behind the head and sent in one write; a
   * larger one is written right after the head from its own buffers, so it is not held twice.
   */
  static final int COALESCE_LIMIT = 64 * 1024;

  /** What a poll that may not wait returns when nothing has come; compared by identity. */
  private static final ByteBuffer NONE = ByteBuffer.allocate(0);

  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

  /** The largest chunk-size line of a chunk: 8 hex digits (an int) and CRLF. */
  private static final int CHUNK_LINE = 10;

  private static final System.Logger LOG = System.getLogger(RequestWriter.class.getName());

  private static final AtomicReferenceFieldUpdater<RequestWriter, Throwable> ABORTED =
      AtomicReferenceFieldUpdater.newUpdater(RequestWriter.class, Throwable.class, "aborted");

  private final OutputStream out;
  private final HttpRequest request;
  private final Map<String, String> extraHeaders;
  private final boolean lastUse;
  private final Runnable firstByte;

  private volatile Throwable aborted;
  private volatile BodySignals body;
  private boolean started;
  private boolean unflushed;
  private byte[] scratch;

  /**
   * A writer of {@code request} to {@code out}, with the client's {@code extraHeaders} and {@code
   * connection: close} when {@code lastUse}. {@code firstByte} runs once, on the writing thread, as
   * soon as the first write to {@code out} returned (a first write that throws took nothing of the
   * request, as a refused write on the event-loop path).
   */
  RequestWriter(
      OutputStream out,
      HttpRequest request,
      Map<String, String> extraHeaders,
      boolean lastUse,
      Runnable firstByte) {
    this.out = out;
    this.request = request;
    this.extraHeaders = extraHeaders;
    this.lastUse = lastUse;
    this.firstByte = firstByte;
  }

  /**
   * Writes the whole request and flushes. Call once, on the caller's thread.
   *
   * @throws RequestBodyException the publisher failed, threw, or broke its {@code contentLength()}
   * @throws IOException {@code out} failed (as thrown by it), or the writer was aborted (with the
   *     abort's cause as its cause)
   */
  void write() throws IOException {
    try {
      writeRequest();
    } catch (IOException e) {
      Throwable cause = aborted;
      if (cause == null || e.getCause() == cause) {
        throw e;
      }
      IOException a = abortedBy(cause);
      a.addSuppressed(e); // what the abort (a closed socket, a cancelled body) made fail
      throw a;
    }
  }

  /**
   * Ends a {@link #write()} from any thread: one waiting for the publisher wakes and throws an
   * {@link IOException} caused by {@code cause}, and cancels the subscription (on its own thread,
   * as calls on a subscription must be serial); one not started yet writes nothing. A write blocked
   * in {@code out} ends when the caller closes the socket. The first cause wins; never throws.
   */
  void abort(Throwable cause) {
    if (ABORTED.compareAndSet(this, null, cause)) {
      BodySignals b = body;
      if (b != null) {
        b.wake();
      }
    }
  }

  private void writeRequest() throws IOException {
    checkAborted();
    Optional<BodyPublisher> publisher = request.bodyPublisher();
    long length = publisher.map(BodyPublisher::contentLength).orElse(0L);
    if (length > 0 && BodyReplay.inMemory(publisher.get())) {
      ByteBuf whole = InMemoryBody.take(publisher.get(), length);
      if (whole != null) {
        try {
          writeWithHead(whole);
        } finally {
          whole.release();
        }
        return;
      }
      // The publisher did not hand over its bytes at once: stream it like any other.
    }
    byte[] head = head(length, 0);
    send(head, 0, head.length);
    if (length != 0) {
      stream(publisher.get(), length);
    }
    out.flush();
  }

  private void writeWithHead(ByteBuf whole) throws IOException {
    int n = whole.readableBytes();
    if (n <= COALESCE_LIMIT) {
      byte[] bytes = head(n, n);
      whole.getBytes(whole.readerIndex(), bytes, bytes.length - n, n);
      send(bytes, 0, bytes.length);
    } else {
      byte[] head = head(n, 0);
      send(head, 0, head.length);
      checkAborted();
      whole.getBytes(whole.readerIndex(), out, n);
    }
    out.flush();
  }

  /**
   * The request line and header fields, in ISO-8859-1 as Netty writes them (the target in UTF-8, as
   * Netty writes it), with {@code room} spare bytes after them.
   */
  private byte[] head(long length, int room) {
    String method = request.method();
    String target = RequestHeadFields.target(request.uri());
    StringBuilder sb = new StringBuilder(256);
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    RequestHeadFields.forEach(
        request,
        extraHeaders,
        lastUse,
        length,
        (name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
    sb.append("\r\n");
    int targetStart = method.length() + 1;
    int targetEnd = targetStart + target.length();
    if (isAscii(target)) {
      byte[] bytes = new byte[sb.length() + room];
      latin1(sb, 0, sb.length(), bytes, 0);
      return bytes;
    }
    byte[] utf8 = target.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[sb.length() - target.length() + utf8.length + room];
    latin1(sb, 0, targetStart, bytes, 0);
    System.arraycopy(utf8, 0, bytes, targetStart, utf8.length);
    latin1(sb, targetEnd, sb.length(), bytes, targetStart + utf8.length);
    return bytes;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Chars {@code from..to} of {@code s} as bytes, '?' for what ISO-8859-1 cannot hold. */
  private static void latin1(CharSequence s, int from, int to, byte[] dst, int at) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      dst[at++] = (byte) (c > 0xff ? '?' : c);
    }
  }

  /** Streams the body of a publisher that does not hold it in memory; the head is written. */
  private void stream(BodyPublisher publisher, long length) throws IOException {
    BodySignals signals = new BodySignals();
    body = signals;
    try {
      checkAborted(); // an abort before the signals were published woke nobody
      try {
        publisher.subscribe(signals);
      } catch (RuntimeException e) {
        throw publisherFailed(e);
      }
      Flow.Subscription subscription = awaitSubscription(signals);
      long written = 0;
      while (true) {
        request(subscription);
        ByteBuffer item = next(signals);
        if (item == null) {
          if (length >= 0 && written != length) {
            throw new RequestBodyException(
                describe() + " produced " + written + " bytes but its contentLength() is " + length,
                null);
          }
          if (length < 0) {
            send(LAST_CHUNK, 0, LAST_CHUNK.length);
          }
          return;
        }
        int n = item.remaining();
        written += n;
        if (length >= 0 && written > length) {
          throw overDelivered(length);
        }
        if (n > 0) {
          writeItem(item, length < 0);
        }
        if (written == length) {
          finish(publisher, subscription, signals, length);
          return;
        }
      }
    } finally {
      signals.stop();
    }
  }

  /**
   * After the last byte of a fixed-length body: a JDK publisher (a file) is asked once more, which
   * returns at once and lets it see its end (and close its file) or show that it has more than it
   * declared; any other is cancelled (asked again, it might block the caller, who has the whole
   * request out and must read the response).
   */
  private void finish(
      BodyPublisher publisher, Flow.Subscription subscription, BodySignals signals, long length)
      throws IOException {
    if (!BodyReplay.replayable(publisher)) {
      return;
    }
    request(subscription);
    ByteBuffer more = signals.poll(false);
    if (more != null && more.hasRemaining()) {
      throw overDelivered(length);
    }
  }

  private Flow.Subscription awaitSubscription(BodySignals signals) throws IOException {
    Flow.Subscription s = signals.subscription(false);
    if (s == null) {
      flushBeforeWaiting(); // the head reaches the server while the publisher gets going
      s = signals.subscription(true);
    }
    return s;
  }

  /** The next item, null once the publisher completed; flushes before it waits. */
  private ByteBuffer next(BodySignals signals) throws IOException {
    ByteBuffer item = signals.poll(false);
    if (item == NONE) {
      flushBeforeWaiting();
      item = signals.poll(true);
    }
    return item;
  }

  private void request(Flow.Subscription subscription) throws IOException {
    try {
      subscription.request(1);
    } catch (RuntimeException e) {
      throw publisherFailed(e);
    }
  }

  private void writeItem(ByteBuffer item, boolean chunked) throws IOException {
    int n = item.remaining();
    if (!chunked && item.hasArray()) {
      send(item.array(), item.arrayOffset() + item.position(), n);
      return;
    }
    // One write per chunk: its size line, data and CRLF copied together.
    int size = chunked ? CHUNK_LINE + n + 2 : n;
    if (scratch == null || scratch.length < size) {
      scratch = new byte[Math.max(size, 8192)];
    }
    int at = chunked ? chunkLine(n, scratch) : 0;
    item.get(scratch, at, n);
    at += n;
    if (chunked) {
      scratch[at++] = '\r';
      scratch[at++] = '\n';
    }
    send(scratch, 0, at);
  }

  /** Writes {@code n} in hex and CRLF at the start of {@code dst}; returns the bytes written. */
  private static int chunkLine(int n, byte[] dst) {
    int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 3) / 4);
    for (int i = digits - 1, v = n; i >= 0; i--, v >>>= 4) {
      dst[i] = (byte) Character.forDigit(v & 0xf, 16);
    }
    dst[digits] = '\r';
    dst[digits + 1] = '\n';
    return digits + 2;
  }

  /** Flushes what was written since the last such flush: the server gets it while we wait. */
  private void flushBeforeWaiting() throws IOException {
    if (unflushed) {
      unflushed = false;
      out.flush();
    }
  }

  private void send(byte[] bytes, int off, int len) throws IOException {
    checkAborted();
    out.write(bytes, off, len);
    unflushed = true;
    if (!started) {
      // After the write, as the event-loop path counts a write only once it succeeded: a socket
      // that refuses the first write (a stale connection's reset) took nothing of the request.
      started = true;
      firstByte.run();
    }
  }

  private void checkAborted() throws IOException {
    Throwable cause = aborted;
    if (cause != null) {
      throw abortedBy(cause);
    }
  }

  private IOException abortedBy(Throwable cause) {
    return new IOException(
        "sending " + request.method() + " " + request.uri() + " aborted: " + cause, cause);
  }

  private String describe() {
    return "request body publisher of " + request.method() + " " + request.uri();
  }

  private RequestBodyException overDelivered(long length) {
    return new RequestBodyException(
        describe() + " produced more than its contentLength() of " + length + " bytes", null);
  }

  private RequestBodyException publisherFailed(Throwable t) {
    return new RequestBodyException(describe() + " failed: " + t, t);
  }

  /**
   * The publisher's signals, handed from whichever thread it signals on to the writing thread.
   * Thread safe; the writing thread alone polls and calls the subscription.
   */
  private final class BodySignals implements Flow.Subscriber<ByteBuffer> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> items = new ArrayDeque<>(2);
    private Flow.Subscription subscription;
    private Throwable error;
    private boolean complete;
    private boolean stopped;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean refuse;
      lock.lock();
      try {
        refuse = subscription != null || stopped;
        if (!refuse) {
          subscription = s;
          changed.signal();
        }
      } finally {
        lock.unlock();
      }
      if (refuse) {
        s.cancel(); // a second subscription, or the write ended already (rule 2.5)
      }
    }

    @Override
    public void onNext(ByteBuffer item) {
      lock.lock();
      try {
        items.add(item);
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable t) {
      lock.lock();
      try {
        if (error == null) {
          error = t;
        }
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onComplete() {
      lock.lock();
      try {
        complete = true;
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    void wake() {
      lock.lock();
      try {
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    /** The subscription once the publisher gave it; null if it has not and {@code !wait}. */
    Flow.Subscription subscription(boolean wait) throws IOException {
      lock.lock();
      try {
        while (true) {
          checkAborted();
          if (error != null) {
            throw publisherFailed(error);
          }
          if (subscription != null || !wait) {
            return subscription;
          }
          await();
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * The next item, null once the publisher completed, {@link #NONE} if nothing came and {@code
     * !wait}. An error or an abort throws.
     */
    ByteBuffer poll(boolean wait) throws IOException {
      lock.lock();
      try {
        while (true) {
          checkAborted();
          if (error != null) {
            throw publisherFailed(error);
          }
          ByteBuffer item = items.poll();
          if (item != null) {
            return item;
          }
          if (complete) {
            return null;
          }
          if (!wait) {
            return NONE;
          }
          await();
        }
      } finally {
        lock.unlock();
      }
    }

    private void await() throws IOException {
      try {
        changed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(
            "interrupted while " + describe() + " was awaited; request aborted");
      }
    }

    /** Ends the subscription unless the publisher ended it; any later subscription is refused. */
    void stop() {
      Flow.Subscription s;
      lock.lock();
      try {
        stopped = true;
        s = complete || error != null ? null : subscription;
      } finally {
        lock.unlock();
      }
      if (s != null) {
        try {
          s.cancel();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "request body publisher's cancel threw", e);
        }
      }
    }
  }
}
