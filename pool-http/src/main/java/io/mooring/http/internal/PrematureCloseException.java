package io.mooring.http.internal;

import java.io.IOException;

/**
 * The connection ended before any byte of the response: on a reused connection, the keep-alive race
 * (the server closed it as the request went out). Immutable.
 */
final class PrematureCloseException extends IOException {
  private static final long serialVersionUID = 1L;

  PrematureCloseException(String message) {
    super(message);
  }
}
