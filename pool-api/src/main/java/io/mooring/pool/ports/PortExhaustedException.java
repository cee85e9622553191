package io.mooring.pool.ports;

import java.net.BindException;

/**
 * A connect failed with EADDRNOTAVAIL: no local port was free toward the destination, almost always
 * because its sockets (most of them TIME_WAIT left by a client that closes first) fill the
 * ephemeral port range. The message names the destination, the range, the sockets in use and in
 * TIME_WAIT toward it, and the fixes; the cause is the transport's original error. Built by {@link
 * PortExhaustion#exception}. Immutable and thread safe.
 *
 * <p>It is a {@link BindException}, as the JDK's own error is, so existing handlers still match.
 */
public class PortExhaustedException extends BindException {
  private static final long serialVersionUID = 1L;

  private final String destination;
  private final int rangeLow;
  private final int rangeHigh;
  private final int sockets;
  private final int timeWait;

  /**
   * An exception with {@code message} about {@code destination}; counts are -1 when unknown.
   *
   * @param message the whole message
   * @param destination {@code host:port}
   * @param range the ephemeral port range in force
   * @param sockets sockets toward the destination from ephemeral ports, -1 if unknown
   * @param timeWait those in TIME_WAIT, -1 if unknown
   * @param cause the transport's error, may be null
   */
  public PortExhaustedException(
      String message,
      String destination,
      EphemeralPortRange range,
      int sockets,
      int timeWait,
      Throwable cause) {
    super(message);
    this.destination = destination;
    this.rangeLow = range.low();
    this.rangeHigh = range.high();
    this.sockets = sockets;
    this.timeWait = timeWait;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** The destination, {@code host:port}. */
  public String destination() {
    return destination;
  }

  /** The ephemeral port range in force. */
  public EphemeralPortRange range() {
    return new EphemeralPortRange(rangeLow, rangeHigh);
  }

  /** Sockets toward the destination from ephemeral ports at the failure, -1 if unknown. */
  public int sockets() {
    return sockets;
  }

  /** Those of {@link #sockets()} in TIME_WAIT, -1 if unknown. */
  public int timeWait() {
    return timeWait;
  }
}
