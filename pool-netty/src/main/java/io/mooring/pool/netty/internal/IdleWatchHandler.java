package io.mooring.pool.netty.internal;

import io.mooring.pool.ClosedBy;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.netty.PeerCloseRequester;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Set;

/**
 * Watches one pooled channel for the whole of its life and tells the pool engine, once, when the
 * channel ends without the pool asking: the peer's FIN or RST, an I/O error, or bytes the peer sent
 * while the channel was idle (which abort it).
 *
 * <p>Sits right after the TLS handler (if any) and before the protocol's handlers, so it sees
 * decrypted bytes and every exception first. It never turns auto-read off: an idle channel must
 * keep read interest, so that the peer's FIN is read in the event-loop tick it arrives in, Netty
 * closes our half at once (half-closure is off), and no CLOSE_WAIT socket outlives that tick.
 *
 * <p>Event-loop confined except for the few volatile fields that other threads set: the lease state
 * (from the protocol) and the close request flag and the requester (from the pool engine).
 */
public final class IdleWatchHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(IdleWatchHandler.class.getName());

  static final int LEASED = 0;
  static final int IDLE = 1;
  static final int RETIRING = 2;

  private final ConnectionListener listener;
  private final ChannelCloser closer;
  private final PeerCloseRequester defaultRequester;
  private final Set<Channel> openChannels;

  /** LEASED, IDLE or RETIRING; written by the protocol and the engine from any thread. */
  private volatile int state = LEASED;

  private volatile PeerCloseRequester requester;

  /** The pool closes the channel itself, so its end must not be reported back to the pool. */
  private volatile boolean closeRequested;

  /** Set on the event loop once the connect future completed: from then on ends are reported. */
  private boolean armed;

  /** A handler of ours is closing the channel unasked, with a reset; event loop only. */
  private boolean resetUnasked;

  /** The one report was made (or must not be made); event loop only. */
  private boolean reported;

  /** The first error seen, reported with the close. */
  private Throwable cause;

  /**
   * Creates the watch for one channel.
   *
   * @param listener the engine's listener for this connection
   * @param closer how to abort the channel
   * @param defaultRequester the transport-wide peer close requester, or null
   * @param openChannels the transport's set of open channels, which this handler leaves when the
   *     channel is unregistered; may be null
   */
  public IdleWatchHandler(
      ConnectionListener listener,
      ChannelCloser closer,
      PeerCloseRequester defaultRequester,
      Set<Channel> openChannels) {
    this.listener = listener;
    this.closer = closer;
    this.defaultRequester = defaultRequester;
    this.openChannels = openChannels;
  }

  /** The watch on {@code channel}, or null if it has none. */
  public static IdleWatchHandler of(Channel channel) {
    return channel.pipeline().get(IdleWatchHandler.class);
  }

  // ------------------------------------------------------------ protocol and engine side

  /** See {@link io.mooring.pool.netty.PooledChannels#markLeased}. */
  public void markLeased() {
    state = LEASED;
  }

  /** See {@link io.mooring.pool.netty.PooledChannels#markIdle}. */
  public void markIdle() {
    state = IDLE;
  }

  /** Whether the channel is marked idle. */
  public boolean isIdle() {
    return state == IDLE;
  }

  /** Sets (or with null removes) this channel's own peer close requester. */
  public void peerCloseRequester(PeerCloseRequester requester) {
    this.requester = requester;
  }

  /**
   * The engine retires the channel: marks it retiring (bytes from the peer now pass down the
   * pipeline, as the answer to the close request may be one) and asks the requester, if any, to ask
   * the peer to close. Returns whether the request was sent.
   */
  public boolean requestPeerClose(Channel channel) {
    PeerCloseRequester r = requester != null ? requester : defaultRequester;
    if (r == null) {
      return false;
    }
    state = RETIRING;
    try {
      return r.requestPeerClose(channel);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "peer close requester failed on " + channel + "; the pool closes it itself",
          e);
      return false;
    }
  }

  /** The pool is closing the channel: its end is not reported back. Any thread. */
  public void closeRequested() {
    closeRequested = true;
  }

  /**
   * Called on the event loop when the connect future is about to complete successfully; returns
   * false if the channel died meanwhile (then the connect must fail instead).
   */
  public boolean arm(Channel channel) {
    if (!channel.isActive() || reported) {
      return false;
    }
    armed = true;
    return true;
  }

  /**
   * Called on the event loop when a handler of the channel (the TLS handler, on a TLS error) closes
   * a connected channel that the pool did not ask to close. Returns whether that close must reset:
   * true once the connect completed, and then the channel's end is reported as an abort.
   */
  boolean closingUnasked() {
    if (!armed || closeRequested || reported) {
      return false;
    }
    resetUnasked = true;
    return true;
  }

  // ------------------------------------------------------------ pipeline side

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closeRequested || reported) {
      // Closing already: nobody will read this, and it must not reach a protocol that let go.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == IDLE && armed) {
      int bytes = readableBytes(msg);
      ReferenceCountUtil.release(msg);
      abort(
          ctx.channel(),
          new IOException(
              "peer "
                  + ctx.channel().remoteAddress()
                  + " sent "
                  + bytes
                  + " unexpected bytes on an idle pooled connection; aborted it"));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable error) {
    if (cause == null) {
      cause = error;
    }
    if (closeRequested || reported) {
      LOG.log(System.Logger.Level.DEBUG, () -> "error on closing channel " + ctx.channel(), error);
      return;
    }
    if (!armed) {
      // Still connecting: the connect future reports the failure (TLS handshake errors land here).
      LOG.log(System.Logger.Level.DEBUG, () -> "error while connecting " + ctx.channel(), error);
      return;
    }
    if (state == LEASED) {
      // The protocol owns the exchange; it fails its lease, and channelInactive reports the end.
      ctx.fireExceptionCaught(error);
      return;
    }
    // Idle or retiring: nobody else is listening. A reset by the peer is the peer's close.
    if (error instanceof IOException) {
      report(ClosedBy.PEER, error);
      closer.resetNow(ctx.channel());
    } else {
      abort(ctx.channel(), error);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (armed && !reported && !closeRequested) {
      // Either we reset it (a TLS error), or Netty closed our half as soon as it read the peer's
      // FIN: no CLOSE_WAIT is left behind.
      report(resetUnasked ? ClosedBy.ABORT : ClosedBy.PEER, cause);
    }
    reported = true;
    ctx.fireChannelInactive();
  }

  @Override
  public void channelUnregistered(ChannelHandlerContext ctx) {
    if (openChannels != null) {
      openChannels.remove(ctx.channel());
    }
    ctx.fireChannelUnregistered();
  }

  private void abort(Channel channel, Throwable why) {
    report(ClosedBy.ABORT, why);
    closer.resetNow(channel);
  }

  private void report(ClosedBy by, Throwable why) {
    if (reported) {
      return;
    }
    reported = true;
    if (!armed || closeRequested) {
      return;
    }
    try {
      listener.closed(by, why);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "connection listener failed", e);
    }
  }

  private static int readableBytes(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return -1;
  }
}
