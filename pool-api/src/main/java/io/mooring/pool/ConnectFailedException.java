package io.mooring.pool;

/** The transport could not open a connection; the cause is its error. */
public class ConnectFailedException extends PoolException {
  private static final long serialVersionUID = 1L;

  /** A connect failure to {@code destination}. */
  public ConnectFailedException(Destination destination, Throwable cause) {
    super(destination, "connect to " + destination + " failed: " + cause, cause);
  }

  /** A connect failure to {@code destination} with a message that says more, such as retries. */
  public ConnectFailedException(Destination destination, String message, Throwable cause) {
    super(destination, message, cause);
  }
}
