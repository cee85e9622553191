package io.mooring.benchmarks.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small keep-alive HTTP/1.1 server on loopback that behaves like a production one: it closes a
 * connection after {@code maxRequests} requests (announcing it with {@code Connection: close}) and
 * closes connections idle for its keep-alive timeout, both server first and without a {@code
 * Keep-Alive} header, like nginx's {@code keepalive_requests} and {@code keepalive_timeout}. It
 * counts the connections it accepts and can be stopped and started again on the same port, as a
 * restart does. Thread safe.
 */
final class DemoServer implements AutoCloseable {
  private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicLong accepted = new AtomicLong();
  private final ServerBootstrap bootstrap;
  private final int port;
  private volatile Channel server;

  /**
   * Starts a server on {@code 127.0.0.1:port}.
   *
   * @param maxRequests requests per connection before the server closes it; 0 for no limit
   * @param keepAliveTimeout how long a connection may idle before the server closes it
   */
  DemoServer(int port, int maxRequests, Duration keepAliveTimeout) throws InterruptedException {
    this.port = port;
    long idleMillis = keepAliveTimeout.toMillis();
    bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true) // rebinding after a restart
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    children.add(ch);
                    ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new Handler(maxRequests));
                  }
                });
    start();
  }

  /** The bound port. */
  int port() {
    return port;
  }

  /** Connections accepted so far, over restarts. */
  long accepted() {
    return accepted.get();
  }

  /** Binds the listening socket (again). */
  void start() throws InterruptedException {
    server = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
  }

  /**
   * Stops as a process that exits does: the listening socket goes (connects are refused) and every
   * open connection is closed server first.
   */
  void stop() {
    server.close().syncUninterruptibly();
    children.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    stop();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int maxRequests;
    private int served;

    Handler(int maxRequests) {
      this.maxRequests = maxRequests;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      served++;
      boolean close = (maxRequests > 0 && served >= maxRequests) || !HttpUtil.isKeepAlive(request);
      ByteBuf body = Unpooled.wrappedBuffer(BODY);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
      if (close) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(response);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        ctx.close(); // the server closes idle connections first, as production servers do
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
