package io.mooring.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Takes the bytes of an in-memory body ({@code ofString}, {@code ofByteArray}) at once, so they go
 * out with the request head in one flush instead of later from the executor: the server then never
 * answers before the body is sent, and no hop to the executor is needed. The JDK's in-memory
 * publishers deliver synchronously within {@code request}; if one ever does not, or errs, or breaks
 * its length, {@link #take} returns null and the caller falls back to streaming the body.
 *
 * <p>Confined to the calling thread.
 */
final class InMemoryBody implements Flow.Subscriber<ByteBuffer> {
  private final List<ByteBuffer> buffers = new ArrayList<>(2);
  private Flow.Subscription subscription;
  private long size;
  private boolean complete;
  private boolean failed;

  private InMemoryBody() {}

  /** The whole body of {@code publisher} (of {@code length} bytes) wrapped, or null. */
  static ByteBuf take(BodyPublisher publisher, long length) {
    InMemoryBody body = new InMemoryBody();
    try {
      publisher.subscribe(body);
    } catch (RuntimeException e) {
      return null;
    }
    if (!body.complete || body.failed || body.size != length) {
      if (body.subscription != null) {
        body.subscription.cancel();
      }
      return null;
    }
    return Unpooled.wrappedBuffer(body.buffers.toArray(new ByteBuffer[0]));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ByteBuffer item) {
    size += item.remaining();
    buffers.add(item);
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
  }

  @Override
  public void onComplete() {
    complete = true;
  }
}
