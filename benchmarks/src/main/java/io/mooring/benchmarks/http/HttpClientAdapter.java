package io.mooring.benchmarks.http;

import java.io.IOException;

/**
 * One HTTP client under test, bound to one target URI: {@link #get()} sends a GET and reads the
 * whole response body, as an application would. Called from many threads at once (one per request
 * in flight); each client is used blocking, the way its documentation shows for synchronous code.
 */
interface HttpClientAdapter extends AutoCloseable {
  /** Sends one GET to the target, reads the body completely and returns the status code. */
  int get() throws IOException, InterruptedException;

  /** Closes the client and its connections the way the library offers (if it offers one). */
  @Override
  void close() throws IOException;

  /** Opens an adapter for one run. */
  @FunctionalInterface
  interface Opener {
    /** A new client for {@code target}, its pool sized for {@code inFlight} concurrent requests. */
    HttpClientAdapter open(java.net.URI target, int inFlight) throws IOException;
  }

  /** How an adapter closes the client it opened (some libraries have no {@code close()}). */
  @FunctionalInterface
  interface Closer {
    /** Closes the client and its connections. */
    void close() throws IOException;
  }
}
