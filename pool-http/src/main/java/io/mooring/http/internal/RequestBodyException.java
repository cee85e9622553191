package io.mooring.http.internal;

import java.io.IOException;

/**
 * The request's body publisher failed or broke its own {@code contentLength()}: the caller's fault,
 * never retried. Immutable.
 */
final class RequestBodyException extends IOException {
  private static final long serialVersionUID = 1L;

  RequestBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
