package io.mooring.http.internal;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a request may be sent again: its body can be replayed when there is none or its
 * publisher produces the same bytes on every subscription. The JDK's {@code ofString}, {@code
 * ofByteArray}, {@code ofFile} and {@code noBody} publishers can; {@code ofInputStream}, {@code
 * ofByteArrays} (its iterable may be one-shot) and unknown publishers are assumed not to. Stateless
 * and thread safe.
 */
public final class BodyReplay {
  /** Methods that may be repeated without changing the outcome (RFC 9110 section 9.2.2). */
  public static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private static final Set<String> REPLAYABLE =
      Set.of(
          "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher",
          "jdk.internal.net.http.RequestPublishers$StringPublisher",
          "jdk.internal.net.http.RequestPublishers$FilePublisher",
          "jdk.internal.net.http.RequestPublishers$EmptyPublisher");

  private static final Set<String> IN_MEMORY =
      Set.of(
          "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher",
          "jdk.internal.net.http.RequestPublishers$StringPublisher");

  private BodyReplay() {}

  /**
   * Whether {@code publisher} holds its whole body in memory ({@code ofString}, {@code
   * ofByteArray}).
   */
  public static boolean inMemory(BodyPublisher publisher) {
    return IN_MEMORY.contains(publisher.getClass().getName());
  }

  /** Whether the body of {@code request} can be sent again. */
  public static boolean replayable(HttpRequest request) {
    Optional<BodyPublisher> p = request.bodyPublisher();
    return p.isEmpty() || p.get().contentLength() == 0 || replayable(p.get());
  }

  /** Whether {@code publisher} produces the same bytes on every subscription. */
  public static boolean replayable(BodyPublisher publisher) {
    return REPLAYABLE.contains(publisher.getClass().getName());
  }

  /** Whether a request may be retried after bytes of it were written. */
  public static boolean retryableAfterWrite(HttpRequest request) {
    return IDEMPOTENT.contains(request.method()) && replayable(request);
  }
}
