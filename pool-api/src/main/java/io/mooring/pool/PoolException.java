package io.mooring.pool;

import java.io.IOException;

/** A connection could not be leased. Messages name the destination. */
public class PoolException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Destination destination;

  /** A failure for {@code destination} with a message and an optional cause. */
  public PoolException(Destination destination, String message, Throwable cause) {
    super(message, cause);
    this.destination = destination;
  }

  /** The destination the acquire was for. */
  public Destination destination() {
    return destination;
  }
}
