package io.mooring.pool.netty;

import io.mooring.pool.netty.internal.IdleWatchHandler;
import io.netty.channel.Channel;

/**
 * The small public interface between a protocol layer and the idle watch that {@link
 * NettyTransport} installs on every pooled channel.
 *
 * <p>The pool engine does not tell the transport when it leases a connection or takes it back, so
 * the protocol says so: {@link #markLeased} when it starts an exchange, {@link #markIdle} once the
 * exchange is completely done (response fully read, nothing unflushed) and just before it closes
 * the lease. A new channel starts out leased, because the engine always hands a new connection to a
 * lease first. While a channel is idle, any byte from the peer means the peer is broken (it must
 * not speak unasked): the channel is aborted and the pool is told. While leased, bytes pass down
 * the pipeline to the protocol. A channel never marked idle is treated as leased, so a protocol
 * that does not use these methods loses only the unexpected-bytes check; the peer's FIN is watched
 * in every state.
 *
 * <p>All methods are thread safe and cheap (a volatile write), and do nothing on a channel that
 * does not come from a {@link NettyTransport}.
 */
public final class PooledChannels {
  private PooledChannels() {}

  /** The protocol starts an exchange on {@code channel}: bytes from the peer are expected. */
  public static void markLeased(Channel channel) {
    IdleWatchHandler h = IdleWatchHandler.of(channel);
    if (h != null) {
      h.markLeased();
    }
  }

  /**
   * The exchange on {@code channel} is complete: from now on bytes from the peer abort it. Also
   * turns auto-read back on (a protocol may have turned it off for flow control), because an idle
   * channel must keep read interest to see the peer's FIN at once.
   */
  public static void markIdle(Channel channel) {
    IdleWatchHandler h = IdleWatchHandler.of(channel);
    if (h != null) {
      h.markIdle();
      if (!channel.config().isAutoRead()) {
        channel.config().setAutoRead(true);
      }
    }
  }

  /** Whether {@code channel} is a pooled channel marked idle. */
  public static boolean isIdle(Channel channel) {
    IdleWatchHandler h = IdleWatchHandler.of(channel);
    return h != null && h.isIdle();
  }

  /** Whether {@code channel} was opened by a {@link NettyTransport} and carries its idle watch. */
  public static boolean isPooled(Channel channel) {
    return IdleWatchHandler.of(channel) != null;
  }

  /**
   * Registers how to ask the peer of this one channel to close, overriding the transport-wide
   * {@link NettyTransport.Builder#peerCloseRequester}; {@code null} removes it (and the
   * transport-wide one applies again).
   */
  public static void setPeerCloseRequester(Channel channel, PeerCloseRequester requester) {
    IdleWatchHandler h = IdleWatchHandler.of(channel);
    if (h != null) {
      h.peerCloseRequester(requester);
    }
  }
}
