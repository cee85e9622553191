package io.mooring.pool.netty.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Chooses between native epoll and JDK NIO, and makes the event loop group the transport owns.
 *
 * <p>Runs on Netty 4.1 and 4.2 alike, and compiles against either: it names only classes present in
 * both lines. The one 4.2-only question, which I/O handler a user's {@code
 * MultiThreadIoEventLoopGroup} runs, is asked through {@link IoTypes}, which loads the 4.2 classes
 * by name and only when they are there.
 */
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
  // Netty 4.2 deprecates these two groups in favour of MultiThreadIoEventLoopGroup, which 4.1 does
  // not have; on 4.2 they are MultiThreadIoEventLoopGroups with the epoll or NIO IoHandler, so
  // they are the one spelling that works on both lines.
  @SuppressWarnings("deprecation")
  public static EventLoopGroup newGroup(boolean epoll, int threads) {
    if (epoll) {
      return new EpollEventLoopGroup(threads, new DefaultThreadFactory("mooring-epoll", true));
    }
    return new NioEventLoopGroup(threads, new DefaultThreadFactory("mooring-nio", true));
  }

  /**
   * Whether a user-supplied group runs epoll (true) or NIO (false).
   *
   * @throws IllegalArgumentException if it is neither
   */
  @SuppressWarnings("deprecation") // the groups of both Netty lines; see newGroup
  public static boolean isEpollGroup(EventLoopGroup group) {
    if (group instanceof EpollEventLoopGroup) {
      return true;
    }
    if (group instanceof NioEventLoopGroup) {
      return false;
    }
    if (Epoll.isAvailable() && IoTypes.isIoType(group, "io.netty.channel.epoll.EpollIoHandler")) {
      return true;
    }
    if (IoTypes.isIoType(group, "io.netty.channel.nio.NioIoHandler")) {
      return false;
    }
    throw new IllegalArgumentException(
        "eventLoopGroup is a "
            + group.getClass().getName()
            + "; expected an NioEventLoopGroup or EpollEventLoopGroup, or on Netty 4.2 a"
            + " MultiThreadIoEventLoopGroup with an epoll or NIO IoHandler");
  }

  /**
   * Netty 4.2's {@code IoEventLoopGroup.isIoType(Class)}, reached by name so that this class loads
   * on 4.1, where neither the interface nor the handlers exist.
   */
  private static final class IoTypes {
    private static final MethodHandle IS_IO_TYPE = isIoTypeHandle();

    private IoTypes() {}

    private static MethodHandle isIoTypeHandle() {
      try {
        Class<?> ioGroup = Class.forName("io.netty.channel.IoEventLoopGroup");
        return MethodHandles.publicLookup()
            .findVirtual(ioGroup, "isIoType", MethodType.methodType(boolean.class, Class.class));
      } catch (ClassNotFoundException e) {
        return null; // Netty 4.1: no IoEventLoopGroup, so no group can be one
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Netty's IoEventLoopGroup has no isIoType(Class)", e);
      }
    }

    /** Whether {@code group} is a 4.2 IoEventLoopGroup running the named IoHandler. */
    static boolean isIoType(EventLoopGroup group, String handlerClass) {
      if (IS_IO_TYPE == null || !IS_IO_TYPE.type().parameterType(0).isInstance(group)) {
        return false;
      }
      Class<?> handler;
      try {
        // Not initialised: EpollIoHandler's initialiser needs the native library.
        handler = Class.forName(handlerClass, false, IoSupport.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        return false;
      }
      try {
        return (boolean) IS_IO_TYPE.invoke(group, handler);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("IoEventLoopGroup.isIoType failed", e);
      }
    }
  }
}
