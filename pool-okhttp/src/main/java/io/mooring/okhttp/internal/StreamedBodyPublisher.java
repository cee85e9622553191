package io.mooring.okhttp.internal;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import okio.Sink;
import okio.Timeout;

/**
 * A request body the client streams: OkHttp's push-style {@link RequestBody#writeTo} runs on the
 * executor and hands chunks to the client's subscriber through a small bounded buffer, so {@code
 * writeTo} blocks while the connection cannot take more and an upload of any size holds a few
 * chunks in memory. Each subscription runs {@code writeTo} again, except for a one-shot body, which
 * can be subscribed once. A failing {@code writeTo} fails the request (the client aborts the
 * connection); a request that ends early makes the next write of {@code writeTo} throw.
 *
 * <p>Thread safe: {@code writeTo} runs on one executor thread per subscription; the subscriber is
 * signalled serially, on the writer's thread or the thread that requests more.
 */
final class StreamedBodyPublisher implements HttpRequest.BodyPublisher {
  /** Bytes per chunk handed to the client. */
  private static final int CHUNK = 16 * 1024;

  /** Chunks buffered ahead of the connection. */
  private static final int CHUNKS_AHEAD = 4;

  private final RequestBody body;
  private final long length;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  StreamedBodyPublisher(RequestBody body, long length, Executor executor) {
    this.body = body;
    this.length = length;
    this.executor = executor;
  }

  /** The body's length, or -1 (sent chunked). */
  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    // Chunks are handed over on the thread that submits or requests them, never through the
    // executor: one task per chunk would cost a thread hand-off each, and with a bounded executor
    // could wait behind the writer it feeds.
    SubmissionPublisher<ByteBuffer> chunks = new SubmissionPublisher<>(Runnable::run, CHUNKS_AHEAD);
    chunks.subscribe(subscriber);
    if (body.isOneShot() && !subscribed.compareAndSet(false, true)) {
      chunks.closeExceptionally(
          new IOException("a one-shot request body cannot be sent twice: " + body));
      return;
    }
    executor.execute(() -> write(chunks));
  }

  private void write(SubmissionPublisher<ByteBuffer> chunks) {
    ChunkSink sink = new ChunkSink(chunks);
    try {
      BufferedSink buffered = Okio.buffer(sink);
      body.writeTo(buffered);
      buffered.flush();
      if (length >= 0 && sink.written != length) {
        throw new ProtocolException(
            "expected " + length + " bytes but received " + sink.written + " from " + body);
      }
      chunks.close();
    } catch (Throwable t) {
      chunks.closeExceptionally(t);
    }
  }

  /** Cuts what {@code writeTo} writes into chunks for the subscriber. */
  private static final class ChunkSink implements Sink {
    private final SubmissionPublisher<ByteBuffer> chunks;
    private long written;

    ChunkSink(SubmissionPublisher<ByteBuffer> chunks) {
      this.chunks = chunks;
    }

    @Override
    public void write(Buffer source, long byteCount) throws IOException {
      while (byteCount > 0) {
        if (chunks.isClosed() || !chunks.hasSubscribers()) {
          throw new IOException("the request ended; its body can no longer be written");
        }
        int n = (int) Math.min(byteCount, CHUNK);
        // Blocks (with the executor thread) while CHUNKS_AHEAD chunks wait for the connection.
        chunks.submit(ByteBuffer.wrap(source.readByteArray(n)));
        byteCount -= n;
        written += n;
      }
    }

    @Override
    public void flush() {}

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }
}
