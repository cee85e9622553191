package io.mooring.pool.netty.internal;

import io.mooring.pool.CloseMode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Applies a {@link CloseMode} to a channel. Thread safe; never blocks.
 *
 * <p>ABORT sets SO_LINGER=0 and closes, which makes the kernel send RST and drop the socket at
 * once: no TIME_WAIT on either side. The pool aborts only with nothing in flight, but on epoll we
 * can check what the kernel knows: when {@code tcp_info} still shows sent bytes the peer has not
 * acknowledged (typically the close request we just wrote), the reset would discard them, so the
 * abort is retried every millisecond until they are acknowledged or the drain timeout passes, and
 * then happens anyway.
 */
public final class ChannelCloser {
  private static final System.Logger LOG = System.getLogger(ChannelCloser.class.getName());

  private final long abortDrainNanos;

  /** A closer that waits at most {@code abortDrainNanos} for unacknowledged bytes (epoll only). */
  public ChannelCloser(long abortDrainNanos) {
    this.abortDrainNanos = abortDrainNanos;
  }

  /** Closes {@code channel} the given way; returns at once. */
  public void close(Channel channel, CloseMode mode) {
    if (mode == CloseMode.GRACEFUL) {
      // Through the pipeline, so that TLS sends close_notify before our FIN.
      channel.close();
      return;
    }
    long deadline = System.nanoTime() + abortDrainNanos;
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      abort(channel, deadline);
      return;
    }
    try {
      loop.execute(() -> abort(channel, deadline));
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down and will close the channel itself; reset it from here.
      resetNow(channel);
    }
  }

  private void abort(Channel channel, long deadline) {
    if (!channel.isOpen()) {
      return;
    }
    if (abortDrainNanos > 0 && channel instanceof EpollSocketChannel epoll && channel.isActive()) {
      long unacked = unacked(epoll);
      if (unacked > 0 && deadline - System.nanoTime() > 0) {
        channel.eventLoop().schedule(() -> abort(channel, deadline), 1, TimeUnit.MILLISECONDS);
        return;
      }
    }
    resetNow(channel);
  }

  private static long unacked(EpollSocketChannel channel) {
    try {
      return channel.tcpInfo().unacked();
    } catch (ChannelException e) {
      return 0;
    }
  }

  /**
   * SO_LINGER=0 then close, now: the kernel sends RST and keeps no TIME_WAIT. The TLS handler is
   * taken out first, because its close would write close_notify and wait for the flush before
   * closing; a reset discards that record anyway.
   */
  public void resetNow(Channel channel) {
    if (!channel.isOpen()) {
      return;
    }
    lingerZero(channel);
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl != null) {
      try {
        channel.pipeline().remove(ssl);
      } catch (NoSuchElementException e) {
        // removed concurrently: nothing to do
      }
    }
    channel.close();
  }

  /**
   * Sets SO_LINGER=0, so that the next close of {@code channel} sends RST and keeps no TIME_WAIT.
   */
  static void lingerZero(Channel channel) {
    try {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (ChannelException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot set SO_LINGER=0 on " + channel, e);
    }
  }
}
