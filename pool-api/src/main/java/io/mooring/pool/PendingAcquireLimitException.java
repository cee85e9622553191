package io.mooring.pool;

/**
 * Too many acquirers already wait for the destination ({@link PoolSettings#maxPendingAcquires()}).
 */
public class PendingAcquireLimitException extends PoolException {
  private static final long serialVersionUID = 1L;

  /** A rejection for {@code destination}. */
  public PendingAcquireLimitException(Destination destination, String message) {
    super(destination, message, null);
  }
}
