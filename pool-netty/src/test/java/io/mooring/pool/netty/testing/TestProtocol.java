package io.mooring.pool.netty.testing;

import io.mooring.pool.netty.PeerCloseRequester;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;

/** The client half of {@link TestServer}'s one-byte protocol. */
public final class TestProtocol extends ChannelInboundHandlerAdapter {
  /** Asks the test server to close by sending {@code 'C'}. */
  public static final PeerCloseRequester PLEASE_CLOSE =
      ch -> {
        ch.writeAndFlush(ch.alloc().buffer(1).writeByte('C'));
        return true;
      };

  private volatile CompletableFuture<Byte> pending;

  /** Adds the protocol handler to a new channel. */
  public static void install(Channel ch) {
    ch.pipeline().addLast("test-protocol", new TestProtocol());
  }

  /** Sends {@code 'P'}; the future completes with the answer byte. */
  public static CompletableFuture<Byte> ping(Channel ch) {
    TestProtocol p = ch.pipeline().get(TestProtocol.class);
    CompletableFuture<Byte> f = new CompletableFuture<>();
    p.pending = f;
    ch.writeAndFlush(ch.alloc().buffer(1).writeByte('P'))
        .addListener(
            w -> {
              if (!w.isSuccess()) {
                f.completeExceptionally(w.cause());
              }
            });
    return f;
  }

  /** Sends one command byte without waiting for anything. */
  public static void send(Channel ch, char command) {
    ch.writeAndFlush(ch.alloc().buffer(1).writeByte(command));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable()) {
        byte b = in.readByte();
        CompletableFuture<Byte> f = pending;
        if (f != null) {
          pending = null;
          f.complete(b);
        }
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    CompletableFuture<Byte> f = pending;
    if (f != null) {
      f.completeExceptionally(new java.io.IOException("channel closed"));
    }
    ctx.fireChannelInactive();
  }
}
