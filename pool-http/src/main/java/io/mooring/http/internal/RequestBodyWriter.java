package io.mooring.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Subscribes to a request's body publisher and writes what it publishes to the channel, one buffer
 * at a time: the next buffer is requested only once the previous one is flushed to the socket, so
 * an upload of any size holds one buffer in memory. Requests to the publisher run on the executor,
 * never on the event loop, because a publisher may block (an {@code InputStream}).
 *
 * <p>Thread safe: the publisher signals serially on any thread; write completions arrive on the
 * event loop.
 */
final class RequestBodyWriter implements Flow.Subscriber<ByteBuffer> {
  private static final System.Logger LOG = System.getLogger(RequestBodyWriter.class.getName());

  /** Callbacks into the exchange. */
  interface Owner {
    /** The whole body (and the terminating chunk, if chunked) was flushed. Any thread. */
    void bodyWritten();

    /** Writing the body failed. Any thread. */
    void bodyFailed(Throwable cause);
  }

  private final Channel channel;
  private final Executor executor;
  private final long contentLength;
  private final Owner owner;
  private volatile Flow.Subscription subscription;
  private volatile boolean stopped;
  private volatile long written;

  RequestBodyWriter(Channel channel, Executor executor, long contentLength, Owner owner) {
    this.channel = channel;
    this.executor = executor;
    this.contentLength = contentLength;
    this.owner = owner;
  }

  /** Bytes of a fixed-length body not yet handed to the channel; unbounded when chunked. */
  long remaining() {
    return contentLength < 0 ? Long.MAX_VALUE : contentLength - written;
  }

  /** Stops requesting from the publisher (the exchange ended). Any thread; never throws. */
  void stop() {
    stopped = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      try {
        executor.execute(() -> cancelQuietly(s));
      } catch (RuntimeException e) {
        cancelQuietly(s); // rule 3.5: cancel returns promptly, so it may run on this thread
      }
    }
  }

  private static void cancelQuietly(Flow.Subscription s) {
    try {
      s.cancel();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "request body publisher's cancel threw", e);
    }
  }

  /** Asks the publisher for the next buffer, on the executor (a publisher may block). */
  private void requestNext() {
    try {
      executor.execute(
          () -> {
            try {
              subscription.request(1);
            } catch (RuntimeException e) {
              onError(e);
            }
          });
    } catch (RuntimeException e) {
      fail(
          new RequestBodyException(
              "the executor refused to run the request body publisher: " + e, e));
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null || stopped) {
      s.cancel();
      return;
    }
    subscription = s;
    requestNext();
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (stopped) {
      return;
    }
    int n = item.remaining();
    written += n;
    if (contentLength >= 0 && written > contentLength) {
      fail(
          new RequestBodyException(
              "request body publisher produced more than its contentLength() of "
                  + contentLength
                  + " bytes",
              null));
      return;
    }
    if (n == 0) {
      requestNext();
      return;
    }
    // A fixed-length body is complete on the wire with its last byte: the server may answer
    // before the publisher even signals onComplete.
    boolean allWritten = contentLength >= 0 && written == contentLength;
    ByteBuf buf = channel.alloc().buffer(n);
    buf.writeBytes(item);
    // The listener goes on the promise before the write: added after, from this thread, it could be
    // notified only after the response is processed, and the exchange would think the request
    // unfinished.
    ChannelPromise promise = channel.newPromise();
    promise.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            fail(f.cause());
          } else if (allWritten) {
            owner.bodyWritten();
            requestNext();
          } else if (!stopped) {
            requestNext();
          }
        });
    channel.writeAndFlush(
        allWritten ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf), promise);
  }

  @Override
  public void onError(Throwable t) {
    if (!stopped) {
      stopped = true;
      owner.bodyFailed(new RequestBodyException("request body publisher failed: " + t, t));
    }
  }

  @Override
  public void onComplete() {
    if (stopped) {
      return;
    }
    if (contentLength >= 0 && written != contentLength) {
      fail(
          new RequestBodyException(
              "request body publisher produced "
                  + written
                  + " bytes but its contentLength() is "
                  + contentLength,
              null));
      return;
    }
    if (contentLength >= 0) {
      return; // the last onNext wrote the last content and reported the body written
    }
    ChannelPromise promise = channel.newPromise();
    promise.addListener(
        (ChannelFuture f) -> {
          if (f.isSuccess()) {
            owner.bodyWritten();
          } else {
            fail(f.cause());
          }
        });
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, promise);
  }

  private void fail(Throwable t) {
    if (!stopped) {
      stop();
      owner.bodyFailed(t);
    }
  }
}
