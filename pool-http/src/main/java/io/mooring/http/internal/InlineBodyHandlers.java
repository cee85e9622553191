package io.mooring.http.internal;

import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Set;

/**
 * The JDK's own body handlers whose subscribers may be signalled on an event loop: they only
 * collect or drop bytes, never block and run no user code. A response for one of them is finished
 * on the channel's event loop, which saves two thread hand-offs per request; every other handler
 * (and so all user code) runs on the client's executor.
 *
 * <p>{@link BodyHandlers#ofString()}, {@link BodyHandlers#ofByteArray()} and {@link
 * BodyHandlers#discarding()} are non-capturing lambdas in the JDK, so each call returns the same
 * instance and identity tells them apart. Should a JDK ever return new instances, nothing breaks:
 * the handlers simply take the executor path. Thread safe (immutable).
 */
final class InlineBodyHandlers {
  private static final Set<HttpResponse.BodyHandler<?>> INLINE =
      Set.of(BodyHandlers.ofString(), BodyHandlers.ofByteArray(), BodyHandlers.discarding());

  private InlineBodyHandlers() {}

  /** Whether {@code handler} is one of the JDK handlers that may run on an event loop. */
  static boolean isInline(HttpResponse.BodyHandler<?> handler) {
    return INLINE.contains(handler);
  }
}
