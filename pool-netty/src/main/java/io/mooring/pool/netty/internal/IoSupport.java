package io.mooring.pool.netty.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Chooses between native epoll and JDK NIO, and makes the event loop group the transport owns. */
public final class IoSupport {
  private IoSupport() {}

  /** Whether native epoll can be used in this process. */
  public static boolean epollAvailable() {
    return Epoll.isAvailable();
  }

  /** Why native epoll cannot be used, or null when it can. */
  public static Throwable epollUnavailabilityCause() {
    return Epoll.unavailabilityCause();
  }

  /**
   * A group of {@code threads} daemon threads (0: Netty's default) on epoll or NIO. Daemon threads,
   * so that a forgotten transport does not keep the JVM alive; {@code close()} still shuts them
   * down.
   */
  public static EventLoopGroup newGroup(boolean epoll, int threads) {
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(epoll ? "mooring-epoll" : "mooring-nio", true), factory);
  }

  /**
   * Whether a user-supplied group runs epoll (true) or NIO (false).
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static boolean isEpollGroup(EventLoopGroup group) {
    if (group instanceof IoEventLoopGroup io) {
      if (Epoll.isAvailable() && io.isIoType(EpollIoHandler.class)) {
        return true;
      }
      if (io.isIoType(NioIoHandler.class)) {
        return false;
      }
    }
    throw new IllegalArgumentException(
        "eventLoopGroup is a "
            + group.getClass().getName()
            + "; expected a MultiThreadIoEventLoopGroup with an epoll or NIO IoHandler");
  }
}
