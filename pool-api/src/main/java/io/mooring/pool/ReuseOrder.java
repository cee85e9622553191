package io.mooring.pool;

/** Which idle connection a lease gets. */
public enum ReuseOrder {
  /**
   * The default: the most recently returned connection. Hot connections stay hot and cold ones age
   * out on the server's idle timeout, so the server closes them first.
   */
  LIFO,
  /** The least recently returned connection: spreads use over every connection. */
  FIFO
}
