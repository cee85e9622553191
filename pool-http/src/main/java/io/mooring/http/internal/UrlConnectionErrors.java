package io.mooring.http.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * Turns a failure of the engine into the exception the JDK's {@code HttpURLConnection} throws in
 * the same case, so that {@code catch} clauses written for the JDK's keep working: {@link
 * SocketTimeoutException} for timeouts, {@link ConnectException} for a refused connect, {@link
 * UnknownHostException} for a name that does not resolve. The original is always the cause.
 * Stateless.
 */
final class UrlConnectionErrors {
  private UrlConnectionErrors() {}

  /** The exception to throw for {@code failure} of a request to {@code url}. */
  static IOException translate(Throwable failure, URL url) {
    if (failure instanceof HttpConnectTimeoutException) {
      return timeout("Connect timed out: " + url, failure);
    }
    if (failure instanceof HttpTimeoutException) {
      return timeout("Read timed out: " + url, failure);
    }
    if (failure instanceof IllegalArgumentException iae) {
      throw iae;
    }
    // The client reports a name that does not resolve as a ConnectException (as the JDK client
    // does); the JDK's HttpURLConnection throws UnknownHostException, so look for it first.
    UnknownHostException unknown = TransportErrors.find(failure, UnknownHostException.class);
    if (unknown != null) {
      return unknown == failure
          ? unknown
          : withCause(new UnknownHostException(url.getHost()), failure);
    }
    ConnectException refused = TransportErrors.find(failure, ConnectException.class);
    if (refused != null && refused != failure) {
      return withCause(new ConnectException(refused.getMessage() + ": " + url), failure);
    }
    return failure instanceof IOException io ? io : new IOException(failure);
  }

  /** A read timeout of the response body after {@code millis}. */
  static SocketTimeoutException readTimeout(URL url, int millis, String what) {
    return new SocketTimeoutException(
        "Read timed out after " + millis + " ms " + what + " of " + url);
  }

  private static IOException timeout(String message, Throwable cause) {
    return withCause(new SocketTimeoutException(message), cause);
  }

  private static IOException withCause(IOException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}
