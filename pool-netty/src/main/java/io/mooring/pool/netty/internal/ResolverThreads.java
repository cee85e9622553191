package io.mooring.pool.netty.internal;

import io.mooring.pool.Destination;
import io.mooring.pool.netty.HostResolver;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves destinations' host names on a few threads of its own, so that a blocking lookup never
 * runs on an event loop (Netty's default resolver calls the JDK's blocking one there, where a slow
 * DNS server stalls every channel of that loop, including noticing an idle one's FIN). IP literals
 * are answered at once on the calling thread. Thread safe; {@link #close()} stops the threads.
 */
public final class ResolverThreads implements AutoCloseable {
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final HostResolver resolver;
  private final ThreadPoolExecutor executor;

  /** Resolves with {@code resolver} on at most {@code threads} daemon threads, made on demand. */
  public ResolverThreads(HostResolver resolver, int threads) {
    this.resolver = resolver;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "mooring-resolver-" + THREAD_IDS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * The resolved address of {@code destination}. Completes on a resolver thread (at once for an IP
   * literal); fails with an {@link UnknownHostException} naming the destination, or with an {@link
   * IllegalStateException} once closed.
   */
  public CompletableFuture<InetSocketAddress> resolve(Destination destination) {
    String host = destination.host();
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        return CompletableFuture.completedFuture(
            new InetSocketAddress(InetAddress.getByAddress(host, literal), destination.port()));
      } catch (UnknownHostException e) {
        throw new AssertionError("4 or 16 bytes are always an address", e);
      }
    }
    CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
    try {
      executor.execute(() -> resolveNow(destination, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException("transport is closed; cannot resolve " + destination, e));
    }
    return result;
  }

  private void resolveNow(Destination destination, CompletableFuture<InetSocketAddress> result) {
    try {
      InetAddress address = resolver.resolve(destination.host());
      if (address == null) {
        throw new UnknownHostException("the resolver returned no address");
      }
      result.complete(new InetSocketAddress(address, destination.port()));
    } catch (UnknownHostException e) {
      UnknownHostException named =
          new UnknownHostException(
              "cannot resolve host "
                  + destination.host()
                  + " of "
                  + destination
                  + ": "
                  + e.getMessage());
      named.initCause(e);
      result.completeExceptionally(named);
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
  }

  /** Stops the resolver threads; lookups in progress complete or fail on their own. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
