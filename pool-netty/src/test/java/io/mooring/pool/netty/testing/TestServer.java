package io.mooring.pool.netty.testing;

import io.mooring.pool.testing.SocketTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A small loopback server speaking a one-byte protocol, with the behaviours the pool must survive:
 *
 * <ul>
 *   <li>{@code 'P'}: answers {@code 'p'};
 *   <li>{@code 'C'}: "please close": closes the connection (server-first FIN) if it honours close
 *       requests, else ignores it;
 *   <li>{@code 'R'}: resets the connection (SO_LINGER=0, RST);
 *   <li>{@code 'S'}: sends an unprompted {@code 'X'} 50 ms later;
 *   <li>with an idle timeout: closes connections idle that long (server-first FIN).
 * </ul>
 *
 * Runs on its own NIO event loops, bound to 127.0.0.1 on a port no socket in the kernel table uses
 * yet, so that the table can be filtered by that port.
 */
public final class TestServer implements AutoCloseable {
  /** An application_data record whose 32 bytes no key decrypts. */
  public static final byte[] BAD_RECORD = badRecord();

  // Deprecated on Netty 4.2, but the one NIO group both Netty lines have (the tests run on both).
  @SuppressWarnings("deprecation")
  private final EventLoopGroup group = new NioEventLoopGroup(2);

  private final Channel server;
  private final boolean honourClose;
  private final Set<Channel> children = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger serverCloses = new AtomicInteger();
  private final List<String> sniNames = new CopyOnWriteArrayList<>();

  private TestServer(boolean honourClose, Duration idleClose, SslContext ssl) {
    this.honourClose = honourClose;
    Channel bound = null;
    for (int attempt = 0; attempt < 20 && bound == null; attempt++) {
      Channel ch =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                      accepted.incrementAndGet();
                      children.add(c);
                      c.closeFuture().addListener(f -> children.remove(c));
                      if (ssl != null) {
                        c.pipeline().addLast(ssl.newHandler(c.alloc()));
                      }
                      if (idleClose != null) {
                        c.pipeline()
                            .addLast(
                                new IdleStateHandler(
                                    0, 0, idleClose.toNanos(), TimeUnit.NANOSECONDS));
                      }
                      c.pipeline().addLast(new Handler());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .syncUninterruptibly()
              .channel();
      int port = ((InetSocketAddress) ch.localAddress()).getPort();
      // A port that earlier tests' TIME_WAIT sockets still mention would spoil the counts.
      if (!SocketTable.available() || SocketTable.anyUsing(port) == 1) {
        bound = ch;
      } else {
        ch.close().syncUninterruptibly();
      }
    }
    if (bound == null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("no fresh port for the test server");
    }
    server = bound;
  }

  /** A plain server that honours close requests and never times out idle connections. */
  public static TestServer start() {
    return new TestServer(true, null, null);
  }

  /** A server with the given behaviour; {@code idleClose} and {@code ssl} may be null. */
  public static TestServer start(boolean honourClose, Duration idleClose, SslContext ssl) {
    return new TestServer(honourClose, idleClose, ssl);
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections the server closed first (close request honoured or idle timeout). */
  public int serverCloses() {
    return serverCloses.get();
  }

  /** Connections open on the server side now. */
  public int openConnections() {
    return children.size();
  }

  /** The SNI host names clients sent. */
  public List<String> sniNames() {
    return sniNames;
  }

  /**
   * Writes {@code bytes} as they are to every open connection, below TLS if there is any: to a TLS
   * client they are not a valid record. Returns how many connections were written to.
   */
  public int injectRaw(byte[] bytes) {
    int n = 0;
    for (Channel c : children) {
      ChannelHandlerContext below = c.pipeline().context(SslHandler.class);
      // A write from the TLS handler's own context starts below it, so it is not encrypted.
      (below != null ? below : c.pipeline().firstContext())
          .writeAndFlush(c.alloc().buffer(bytes.length).writeBytes(bytes));
      n++;
    }
    return n;
  }

  /**
   * Makes the TLS engine of every open connection fail with a fatal {@code bad_record_mac} alert
   * and sends that alert, encrypted as the session requires, without closing the connection.
   * Returns how many connections were sent one.
   */
  public int injectFatalAlert() {
    int n = 0;
    for (Channel c : children) {
      SslHandler ssl = c.pipeline().get(SslHandler.class);
      if (ssl == null) {
        continue;
      }
      c.eventLoop().execute(() -> sendFatalAlert(c, ssl));
      n++;
    }
    return n;
  }

  private static byte[] badRecord() {
    byte[] r = new byte[5 + 32];
    r[0] = 23; // application_data
    r[1] = 3;
    r[2] = 3; // TLS 1.2 on the wire, as TLS 1.3 records say too
    r[4] = 32;
    for (int i = 5; i < r.length; i++) {
      r[i] = (byte) i;
    }
    return r;
  }

  private static void sendFatalAlert(Channel c, SslHandler ssl) {
    SSLEngine engine = ssl.engine();
    try {
      // A record that does not decrypt is fatal to the engine, which queues a bad_record_mac
      // alert for the next wrap: exactly what a server does when it receives one.
      engine.unwrap(
          ByteBuffer.wrap(BAD_RECORD),
          ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()));
    } catch (SSLException expected) {
      // the alert is queued
    }
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    try {
      engine.wrap(ByteBuffer.allocate(0), out);
    } catch (SSLException e) {
      throw new IllegalStateException("the engine did not produce its alert", e);
    }
    out.flip();
    ChannelHandlerContext below = c.pipeline().context(ssl);
    below.writeAndFlush(Unpooled.wrappedBuffer(out));
  }

  /** Stops the server, resetting connections still open so that it leaves no TIME_WAIT either. */
  @Override
  public void close() {
    for (Channel c : children) {
      c.config().setOption(ChannelOption.SO_LINGER, 0);
      c.close();
    }
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        while (in.isReadable()) {
          byte b = in.readByte();
          switch (b) {
            case 'P' -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('p'));
            case 'C' -> {
              if (honourClose) {
                closeFirst(ctx);
                return;
              }
            }
            case 'R' -> {
              ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
              ctx.close();
              return;
            }
            case 'S' ->
                ctx.executor()
                    .schedule(
                        () -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('X')),
                        50,
                        TimeUnit.MILLISECONDS);
            default -> {}
          }
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        closeFirst(ctx);
      } else if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent hs
          && hs.isSuccess()) {
        SSLSession s = ctx.pipeline().get(SslHandler.class).engine().getSession();
        if (s instanceof ExtendedSSLSession e) {
          for (SNIServerName n : e.getRequestedServerNames()) {
            if (n instanceof SNIHostName h) {
              sniNames.add(h.getAsciiName());
            }
          }
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    private void closeFirst(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        ctx.close().addListener(f -> serverCloses.incrementAndGet());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // resets by the client are expected here
    }
  }
}
