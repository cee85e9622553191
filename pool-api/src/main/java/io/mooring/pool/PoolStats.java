package io.mooring.pool;

/**
 * A snapshot of one destination's connections and waiters, taken without stopping the pool; the
 * counts are each exact but may come from slightly different instants.
 *
 * @param destination the destination
 * @param connecting connections being opened
 * @param idle connections ready to lease
 * @param active connections leased now
 * @param retiring connections never leased again, waiting for the peer's FIN or the fallback
 * @param pending acquirers waiting
 * @param max the per-destination limit
 */
public record PoolStats(
    Destination destination,
    int connecting,
    int idle,
    int active,
    int retiring,
    int pending,
    int max) {

  /** Live connections: everything that holds a socket (or is about to). */
  public int total() {
    return connecting + idle + active + retiring;
  }

  /** {@code total=T (active=A, idle=I, connecting=C, retiring=R), pending=P, max=M}. */
  @Override
  public String toString() {
    return "total="
        + total()
        + " (active="
        + active
        + ", idle="
        + idle
        + ", connecting="
        + connecting
        + ", retiring="
        + retiring
        + "), pending="
        + pending
        + ", max="
        + max;
  }
}
