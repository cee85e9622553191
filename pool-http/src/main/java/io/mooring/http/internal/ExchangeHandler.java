package io.mooring.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every pooled HTTP channel: hands what the decoder produces to the channel's
 * current {@link Exchange}, and drops (releases) anything that arrives when there is none.
 *
 * <p>Event-loop confined.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(ExchangeHandler.class.getName());

  private final ResponseDecoder decoder;
  private Exchange current;

  /** The handler behind {@code decoder}, which sits right before it in the pipeline. */
  ExchangeHandler(ResponseDecoder decoder) {
    this.decoder = decoder;
  }

  /** See {@link ResponseDecoder#unreadBytes()}. Event loop. */
  int unreadBytes() {
    return decoder.unreadBytes();
  }

  /** Makes {@code exchange} the receiver of this channel's events. Event loop. */
  void attach(Exchange exchange) {
    this.current = exchange;
  }

  /** Stops delivering to {@code exchange} if it is the current one. Event loop. */
  void detach(Exchange exchange) {
    if (current == exchange) {
      current = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange ex = current;
    if (ex == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ex.onMessage(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange ex = current;
    if (ex != null) {
      ex.onReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = current;
    if (ex != null) {
      ex.onInactive();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange ex = current;
    if (ex != null) {
      ex.onError(cause);
    } else {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "error on " + ctx.channel() + " between exchanges",
          cause);
    }
  }
}
