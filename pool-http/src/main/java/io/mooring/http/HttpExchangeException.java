package io.mooring.http;

import java.io.IOException;

/**
 * A request failed on the wire: the connection was reset or closed by the peer, or a read or write
 * failed. The message names the method, the URI, the {@link Phase} and, while reading the body, how
 * many body bytes had arrived; the cause is the transport's own error (for example Netty's {@code
 * NativeIoException}), if there was one. The connection was aborted, never returned to the pool. A
 * response body cut short this way is never delivered as a success.
 *
 * <p>Immutable once thrown.
 */
public class HttpExchangeException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What the exchange was doing when it failed. */
  public enum Phase {
    /** Writing the request head or body; no response byte had arrived. */
    SENDING_REQUEST("sending the request"),
    /** The request was written (or a response began before it was); the head is not complete. */
    WAITING_FOR_HEAD("waiting for the response head"),
    /** The response head arrived; its body had not ended. */
    READING_BODY("reading the response body");

    private final String description;

    Phase(String description) {
      this.description = description;
    }

    /** The phase in words, as the exception message says it. */
    public String description() {
      return description;
    }
  }

  private final Phase phase;
  private final long bodyBytes;

  /**
   * A failure during {@code phase}, after {@code bodyBytes} bytes of the response body (0 before
   * the body); {@code message} names the request, {@code cause} may be null.
   */
  public HttpExchangeException(String message, Phase phase, long bodyBytes, Throwable cause) {
    super(message, cause);
    this.phase = phase;
    this.bodyBytes = bodyBytes;
  }

  /** What the exchange was doing when it failed. */
  public Phase phase() {
    return phase;
  }

  /** Response body bytes received before the failure (0 before the body began). */
  public long bodyBytes() {
    return bodyBytes;
  }
}
