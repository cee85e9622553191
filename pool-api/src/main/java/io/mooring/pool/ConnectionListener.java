package io.mooring.pool;

/**
 * Handed by the engine to {@link Transport#connect}; the transport calls it once when a connection
 * ends by itself. Thread safe: may be called from any thread, such as an event loop.
 */
@FunctionalInterface
public interface ConnectionListener {

  /**
   * The connection has ended without the engine asking: the peer closed it ({@code cause} null),
   * the peer reset it, or the transport saw an error and aborted it ({@code cause} non-null).
   *
   * @param closedBy who closed first: {@link ClosedBy#PEER} for a FIN or RST from the peer, {@link
   *     ClosedBy#ABORT} when the transport aborted the connection itself
   * @param cause the error, or {@code null} for an orderly close by the peer
   */
  void closed(ClosedBy closedBy, Throwable cause);
}
