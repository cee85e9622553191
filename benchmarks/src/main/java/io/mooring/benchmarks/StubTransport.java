package io.mooring.benchmarks;

import io.mooring.pool.CloseMode;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.Destination;
import io.mooring.pool.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A transport without I/O, so a benchmark measures the pool alone. Thread safe. */
public final class StubTransport implements Transport<Object> {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

  @Override
  public CompletableFuture<Object> connect(Destination destination, ConnectionListener listener) {
    return CompletableFuture.completedFuture(new Object());
  }

  @Override
  public InetSocketAddress localAddress(Object connection) {
    return LOCAL;
  }

  @Override
  public void close(Object connection, CloseMode mode) {}
}
