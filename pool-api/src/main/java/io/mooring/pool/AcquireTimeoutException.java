package io.mooring.pool;

/**
 * No connection became available within the acquire timeout. The message shows the destination's
 * counts at that moment, and the cause is the last connect failure, if any.
 */
public class AcquireTimeoutException extends PoolException {
  private static final long serialVersionUID = 1L;

  /** A timeout for {@code destination}. */
  public AcquireTimeoutException(Destination destination, String message, Throwable cause) {
    super(destination, message, cause);
  }
}
