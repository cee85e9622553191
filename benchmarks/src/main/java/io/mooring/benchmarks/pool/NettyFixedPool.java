package io.mooring.benchmarks.pool;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.FixedChannelPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty's {@code FixedChannelPool} over in-VM {@code LocalChannel}s (no sockets), one event loop:
 * {@code acquire().syncUninterruptibly()} and {@code release(channel)}. Like every Netty pool it
 * runs its bookkeeping on the channel's event loop, so a caller outside the loop pays a task
 * hand-off and a promise per acquire; the release is not waited for (the next acquire queues behind
 * it on the same loop), which is how a caller that does not need its result would use it.
 */
public class NettyFixedPool extends PoolState<Channel> {
  private static final AtomicInteger IDS = new AtomicInteger();

  private EventLoopGroup group;
  private Channel server;
  private FixedChannelPool pool;

  @Override
  protected void open() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    LocalAddress address = new LocalAddress("mooring-bench-" + IDS.incrementAndGet());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {}
                })
            .bind(address)
            .sync()
            .channel();
    Bootstrap bootstrap =
        new Bootstrap().group(group).channel(LocalChannel.class).remoteAddress(address);
    pool =
        new FixedChannelPool(
            bootstrap,
            new AbstractChannelPoolHandler() {
              @Override
              public void channelCreated(Channel ch) {}
            },
            connections,
            1024);
  }

  @Override
  protected Channel acquire() {
    return pool.acquire().syncUninterruptibly().getNow();
  }

  @Override
  protected void release(Channel channel) {
    pool.release(channel);
  }

  @Override
  protected void close() throws InterruptedException {
    pool.close();
    server.close().sync();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
  }
}
