package io.mooring.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;

/**
 * Hands a response body to its handler on the caller-thread path. {@code ofInputStream()} and the
 * HttpURLConnection drop-in's handler get a {@link SocketBodyStream} (the caller's reads are socket
 * reads); every other handler's subscriber is fed by {@link SubscriberPush}, on the calling thread
 * until its body is ready, as the JDK client's {@code send} returns only then. Stateless.
 */
final class BlockingBodies {
  private static final BodyHandler<InputStream> OF_INPUT_STREAM = BodyHandlers.ofInputStream();

  private BlockingBodies() {}

  /**
   * The body of {@code ex}'s response as {@code handler} makes it. On failure the exchange is
   * failed (the connection aborted) before the exception is thrown.
   */
  @SuppressWarnings("unchecked")
  static <T> T deliver(
      BodyHandler<T> handler, ResponseHead head, SocketExchange ex, HttpEngine engine)
      throws IOException {
    if (handler == (Object) OF_INPUT_STREAM) {
      return (T) new SocketBodyStream(ex, null, null, ex.uri(), engine.timer());
    }
    if (handler instanceof TimedBodyStream.Handler h) {
      return (T) new SocketBodyStream(ex, h.timeoutMillis(), h.url(), ex.uri(), engine.timer());
    }
    HttpResponse.BodySubscriber<T> subscriber;
    try {
      subscriber = handler.apply(head);
    } catch (RuntimeException e) {
      ex.fail(e);
      throw e;
    }
    return new SubscriberPush<>(subscriber, ex, engine.executor(), engine.timer()).run();
  }
}
