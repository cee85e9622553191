package io.mooring.http.internal;

import java.net.http.HttpRequest;

/**
 * A request the engine tracks from {@code send} until its result is complete and its connection is
 * given back, so that {@code shutdown()} can wait for it and {@code shutdownNow()} abort it.
 */
interface InFlight {

  /** The request as the caller gave it. */
  HttpRequest request();

  /**
   * Fails the request, if it is not done yet, and aborts its exchange, body included. Any thread.
   */
  void abortNow(Throwable cause);
}
