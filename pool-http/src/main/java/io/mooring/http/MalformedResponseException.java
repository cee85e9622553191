package io.mooring.http;

import java.net.ProtocolException;

/**
 * The server's response broke HTTP/1.1 (bad status line, a header line without a colon or with
 * whitespace before it, a folded header line, bad chunk size, conflicting {@code Content-Length}
 * and {@code Transfer-Encoding}) or a configured limit (headers or body too large). The message
 * names the destination and what was wrong. The connection it arrived on was aborted, never
 * returned to the pool.
 *
 * <p>A {@link ProtocolException}, as the JDK's client throws for a response it cannot parse, so
 * code that catches that keeps working. Immutable once thrown.
 */
public class MalformedResponseException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** A malformed response with {@code message} and an optional {@code cause}. */
  public MalformedResponseException(String message, Throwable cause) {
    super(message);
    initCause(cause);
  }
}
