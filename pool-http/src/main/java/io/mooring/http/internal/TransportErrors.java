package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException;
import io.mooring.http.HttpExchangeException.Phase;
import io.mooring.pool.Destination;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns what the transport throws into what a caller of the JDK's {@code HttpClient} catches: the
 * same exception types the JDK client throws ({@link ConnectException} for a connect that failed,
 * {@link HttpConnectTimeoutException} for one that timed out, {@link SSLException} and {@link
 * SSLHandshakeException} for TLS), each with a message that names the destination or the request,
 * and {@link HttpExchangeException} for every other I/O failure of an exchange. The transport's own
 * error is always the cause. Stateless.
 */
final class TransportErrors {
  private TransportErrors() {}

  /**
   * The failure of an exchange of {@code method} {@code uri} during {@code phase}, after {@code
   * bodyBytes} body bytes, caused by the transport's {@code cause} (may be null, then {@code what}
   * says what happened).
   */
  static IOException exchange(
      String method, URI uri, Phase phase, long bodyBytes, String what, Throwable cause) {
    String message = describe(method, uri, phase, bodyBytes, what);
    SSLException ssl = find(cause, SSLException.class);
    if (ssl != null) {
      return sameType(ssl, message, cause);
    }
    return new HttpExchangeException(message, phase, bodyBytes, cause);
  }

  /** The message of an exchange's failure: the request, the phase, and {@code what} happened. */
  static String describe(String method, URI uri, Phase phase, long bodyBytes, String what) {
    return method
        + " "
        + uri
        + " failed while "
        + phase.description()
        + (phase == Phase.READING_BODY ? " after " + bodyBytes + " bytes" : "")
        + ": "
        + what;
  }

  /** {@link #exchange} for a transport error, described by its own message. */
  static IOException exchange(
      String method, URI uri, Phase phase, long bodyBytes, Throwable cause) {
    SSLException ssl = find(cause, SSLException.class);
    Throwable described = ssl != null ? ssl : cause;
    String what =
        described.getMessage() != null
            ? described.getMessage()
            : described.getClass().getSimpleName();
    return exchange(method, uri, phase, bodyBytes, what, cause);
  }

  /**
   * What the caller sees when no connection to {@code dest} could be had: {@link
   * HttpConnectTimeoutException} for a connect timeout, the {@link SSLException} of a failed
   * handshake, a {@link ConnectException} naming {@code dest} for every other connect failure
   * (refused, unreachable, unknown host: as the JDK client), and the pool's own exception (an
   * {@link IOException}) when no connect was tried (acquire timeout, too many waiters, closed).
   */
  static Throwable connect(Throwable err, Destination dest) {
    if (find(err, io.netty.channel.ConnectTimeoutException.class) != null) {
      HttpConnectTimeoutException e =
          new HttpConnectTimeoutException("connect to " + dest + " timed out: " + err.getMessage());
      e.initCause(err);
      return e;
    }
    SSLException ssl = find(err, SSLException.class);
    if (ssl != null) {
      return ssl; // as the JDK client; the transport's message names the destination
    }
    if (err instanceof io.mooring.pool.ConnectFailedException) {
      ConnectException e = new ConnectException(err.getMessage());
      e.initCause(err);
      return e;
    }
    if (err instanceof IOException) {
      return err;
    }
    return new IOException("cannot get a connection to " + dest + ": " + err, err);
  }

  /**
   * As {@link #connect}, for a connect the caller-thread path made itself: a timed out connect or
   * handshake is an {@link HttpConnectTimeoutException}, a failed handshake its {@link
   * SSLException}, every other failure (refused, unreachable, unknown host) a {@link
   * ConnectException} naming {@code dest}.
   */
  static IOException socketConnect(IOException err, Destination dest) {
    if (err instanceof java.net.SocketTimeoutException) {
      HttpConnectTimeoutException e =
          new HttpConnectTimeoutException("connect to " + dest + " timed out: " + err.getMessage());
      e.initCause(err);
      return e;
    }
    if (err instanceof SSLException || err instanceof ConnectException) {
      return err;
    }
    ConnectException e =
        new ConnectException("cannot connect to " + dest + ": " + err.getMessage());
    e.initCause(err);
    return e;
  }

  /** An exception of {@code ssl}'s JDK type (handshake or not) with {@code message}. */
  private static SSLException sameType(SSLException ssl, String message, Throwable cause) {
    SSLException same =
        ssl instanceof SSLHandshakeException
            ? new SSLHandshakeException(message)
            : new SSLException(message);
    same.initCause(cause);
    return same;
  }

  /** The first of {@code t} and its causes that is a {@code type}, or null. */
  static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
