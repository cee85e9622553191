package io.mooring.pool.netty.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

/**
 * The event loop groups a user may hand to {@code NettyTransport.Builder.eventLoopGroup}: the
 * groups both Netty lines have, and Netty 4.2's {@code MultiThreadIoEventLoopGroup} with an epoll
 * or NIO {@code IoHandler}, created by name so that the tests compile and run on 4.1 too (where
 * those two skip, saying why).
 */
public enum SuppliedGroup {
  NIO_EVENT_LOOP_GROUP(false),
  EPOLL_EVENT_LOOP_GROUP(true),
  IO_GROUP_NIO_HANDLER(false),
  IO_GROUP_EPOLL_HANDLER(true);

  /** Whether channels on this group are epoll channels. */
  public final boolean epoll;

  SuppliedGroup(boolean epoll) {
    this.epoll = epoll;
  }

  /** A one-thread group of this kind; skips where epoll or Netty 4.2's classes are missing. */
  @SuppressWarnings("deprecation") // Netty 4.2 deprecates the groups that 4.1 users still hand in
  public EventLoopGroup create() throws ReflectiveOperationException {
    if (epoll) {
      assumeTrue(
          Epoll.isAvailable(), () -> "native epoll unavailable: " + Epoll.unavailabilityCause());
    }
    switch (this) {
      case NIO_EVENT_LOOP_GROUP:
        return new NioEventLoopGroup(1);
      case EPOLL_EVENT_LOOP_GROUP:
        return new EpollEventLoopGroup(1);
      case IO_GROUP_NIO_HANDLER:
        return ioGroup("io.netty.channel.nio.NioIoHandler");
      default:
        return ioGroup("io.netty.channel.epoll.EpollIoHandler");
    }
  }

  private static EventLoopGroup ioGroup(String handler) throws ReflectiveOperationException {
    Class<?> group = forNameOrNull("io.netty.channel.MultiThreadIoEventLoopGroup");
    assumeTrue(group != null, "Netty 4.1 on the class path: no MultiThreadIoEventLoopGroup");
    Class<?> factory = Class.forName("io.netty.channel.IoHandlerFactory");
    Object handlerFactory = Class.forName(handler).getMethod("newFactory").invoke(null);
    return (EventLoopGroup) group.getConstructor(int.class, factory).newInstance(1, handlerFactory);
  }

  private static Class<?> forNameOrNull(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
