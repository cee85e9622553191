package io.mooring.http.internal;

import io.mooring.pool.Destination;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS for the caller-thread path: layers a client {@link SSLSocket} over a connected plain socket
 * and completes the handshake on the calling thread, with the client's {@link SSLContext}, its
 * protocols and cipher suites, host name verification unless turned off, and SNI. Immutable and
 * thread safe.
 *
 * <p>The TLS socket does not own the plain one ({@code autoClose=false}) and is never closed: the
 * pool ends the connection under it, as it ends every connection (an RST, or our half after the
 * peer's FIN), so no close_notify is sent.
 */
final class TlsLayer {
  private final SSLSocketFactory factory;
  private final SSLParameters parameters;
  private final boolean verifyHost;
  private final int handshakeTimeoutMillis;

  private TlsLayer(
      SSLSocketFactory factory,
      SSLParameters parameters,
      boolean verifyHost,
      Duration handshakeTimeout) {
    this.factory = factory;
    this.parameters = parameters;
    this.verifyHost = verifyHost;
    this.handshakeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis());
  }

  /** The layer for {@code config}: its TLS context, or the JDK's default one. */
  static TlsLayer of(ClientConfig config) {
    SSLContext ctx = config.sslContext();
    if (ctx == null) {
      try {
        ctx = SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default SSLContext", e);
      }
    }
    return new TlsLayer(
        ctx.getSocketFactory(),
        config.sslParameters(),
        config.nettySettings().hostnameVerification(),
        config.nettySettings().tlsHandshakeTimeout());
  }

  /**
   * A TLS socket over {@code plain} to {@code destination}, handshake done.
   *
   * @throws SSLHandshakeException if the handshake fails (the message names the destination)
   * @throws SocketTimeoutException if it does not complete within the handshake timeout
   */
  SSLSocket layer(Socket plain, Destination destination) throws IOException {
    SSLSocket s =
        (SSLSocket) factory.createSocket(plain, destination.host(), destination.port(), false);
    SSLParameters p = s.getSSLParameters();
    if (parameters != null) {
      if (parameters.getProtocols() != null) {
        p.setProtocols(parameters.getProtocols());
      }
      if (parameters.getCipherSuites() != null) {
        p.setCipherSuites(parameters.getCipherSuites());
      }
    }
    if (verifyHost) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    s.setSSLParameters(p);
    s.setUseClientMode(true);
    int before = plain.getSoTimeout();
    plain.setSoTimeout(handshakeTimeoutMillis);
    try {
      s.startHandshake();
    } catch (SocketTimeoutException e) {
      SocketTimeoutException named =
          new SocketTimeoutException(
              "TLS handshake with "
                  + destination
                  + " timed out after "
                  + handshakeTimeoutMillis
                  + " ms");
      named.initCause(e);
      throw named;
    } catch (SSLHandshakeException e) {
      SSLHandshakeException named =
          new SSLHandshakeException(
              "TLS handshake with " + destination + " failed: " + e.getMessage());
      named.initCause(e);
      throw named;
    } finally {
      plain.setSoTimeout(before);
    }
    return s;
  }
}
