package io.mooring.pool.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Turns the TLS handler's own close of a connected channel into a reset. Netty's {@code SslHandler}
 * answers a bad record or a fatal alert from the peer by flushing its alert and closing the channel
 * itself, before anyone after it hears of the error: a plain close, so our FIN goes first and this
 * host keeps the TIME_WAIT. Sitting between the socket and the TLS handler, this handler sees that
 * close on its way out; when the pool did not ask for it, it sets SO_LINGER=0 first, so the kernel
 * sends RST (the broken TLS stream has nothing left worth delivering) and the idle watch reports
 * the end as the abort it is.
 *
 * <p>Closes the pool asks for (graceful or abort) pass unchanged, as do closes during the TLS
 * handshake, whose alert tells the server why it failed. One per channel; event loop only.
 */
public final class TlsFailureReset extends ChannelOutboundHandlerAdapter {
  private final IdleWatchHandler watch;

  /** The reset for the channel that {@code watch} watches. */
  public TlsFailureReset(IdleWatchHandler watch) {
    this.watch = watch;
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel channel = ctx.channel();
    if (channel.isOpen() && watch.closingUnasked()) {
      ChannelCloser.lingerZero(channel);
    }
    ctx.close(promise);
  }
}
