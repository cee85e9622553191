package io.mooring.pool.netty;

import io.netty.channel.Channel;

/**
 * How a protocol asks the peer to close an idle pooled connection, so that the peer sends the first
 * FIN and the TIME_WAIT lands on the peer, not on this host. HTTP sends a request with {@code
 * Connection: close}; a protocol with no such message registers nothing, and the pool then falls
 * back to its fallback close (by default an abort, which leaves no TIME_WAIT either).
 *
 * <p>Register one for all channels with {@link NettyTransport.Builder#peerCloseRequester} or for
 * one channel with {@link PooledChannels#setPeerCloseRequester}.
 *
 * <p>Called by the pool engine on whatever thread retires the connection (often the thread that
 * ended the last lease), never on a leased channel. Implementations must not block: write the
 * request and return; Netty writes are safe from any thread. Bytes the peer sends in answer are
 * passed down the pipeline (the channel is retiring, not idle) and the channel is closed when the
 * peer's FIN arrives; the implementation must not close the channel itself.
 */
@FunctionalInterface
public interface PeerCloseRequester {

  /**
   * Asks the peer to close {@code channel}.
   *
   * @return {@code true} if the request was sent and the peer is expected to close within the
   *     pool's retirement timeout; {@code false} if it could not be sent, in which case the pool
   *     applies its fallback close at once
   */
  boolean requestPeerClose(Channel channel);
}
