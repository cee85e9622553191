package io.mooring.pool;

/** The pool was closed before a connection could be leased. */
public class PoolClosedException extends PoolException {
  private static final long serialVersionUID = 1L;

  /** A rejection for {@code destination}. */
  public PoolClosedException(Destination destination, String message) {
    super(destination, message, null);
  }
}
