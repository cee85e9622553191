package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException;

/**
 * The connection ended before any byte of the response: on a reused connection, the keep-alive race
 * (the server closed it as the request went out), which the retry rule may retry. Immutable.
 */
final class PrematureCloseException extends HttpExchangeException {
  private static final long serialVersionUID = 1L;

  PrematureCloseException(String message, Phase phase) {
    super(message, phase, 0, null);
  }
}
