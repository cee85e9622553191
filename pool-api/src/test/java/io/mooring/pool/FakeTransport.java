package io.mooring.pool;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport without I/O: connections are objects, connects complete at once (or when the test
 * says, or fail), and the test plays the peer by calling {@link FakeConnection#peerClose()}.
 */
public final class FakeTransport implements Transport<FakeTransport.FakeConnection> {
  private final AtomicInteger ports = new AtomicInteger(40_000);
  public final List<FakeConnection> opened = new CopyOnWriteArrayList<>();
  public final Map<Destination, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
  public volatile Throwable connectFailure;
  public volatile boolean peerCloseSupported;

  /** When set, the peer honours close requests: it closes on this executor, like a remote host. */
  public volatile java.util.concurrent.Executor honouringPeer;

  public final AtomicInteger peerCloseRequests = new AtomicInteger();

  /** Every call of {@link #connect}, failed ones included. */
  public final AtomicInteger connectAttempts = new AtomicInteger();

  /** Live connections and the most ever seen at once, per destination and in total. */
  public final Map<Destination, AtomicInteger> live = new ConcurrentHashMap<>();

  public final Map<Destination, AtomicInteger> peak = new ConcurrentHashMap<>();
  public final AtomicInteger liveTotal = new AtomicInteger();
  public final AtomicInteger peakTotal = new AtomicInteger();

  @Override
  public CompletableFuture<FakeConnection> connect(Destination d, ConnectionListener listener) {
    connectAttempts.incrementAndGet();
    Throwable failure = connectFailure;
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    FakeConnection c = new FakeConnection(this, d, ports.incrementAndGet(), listener);
    int n = live.computeIfAbsent(d, k -> new AtomicInteger()).incrementAndGet();
    peak.computeIfAbsent(d, k -> new AtomicInteger()).accumulateAndGet(n, Math::max);
    peakTotal.accumulateAndGet(liveTotal.incrementAndGet(), Math::max);
    opened.add(c);
    CompletableFuture<Void> gate = gates.get(d);
    return gate == null ? CompletableFuture.completedFuture(c) : gate.thenApply(v -> c);
  }

  @Override
  public InetSocketAddress localAddress(FakeConnection c) {
    return new InetSocketAddress("127.0.0.1", c.port);
  }

  /** Every fake destination resolves to loopback, at the destination's port. */
  @Override
  public InetSocketAddress remoteAddress(FakeConnection c) {
    return new InetSocketAddress("127.0.0.1", c.destination.port());
  }

  @Override
  public void close(FakeConnection c, CloseMode mode) {
    synchronized (c) {
      if (c.closedBy == ClosedBy.PEER) {
        return; // the peer's FIN crossed our close, as on a real socket
      }
      if (c.closedBy != null) {
        throw new AssertionError("the pool closed " + c + " twice");
      }
      c.closedBy = mode == CloseMode.ABORT ? ClosedBy.ABORT : ClosedBy.LOCAL;
      gone(c);
    }
  }

  /**
   * Stops counting {@code c} live; called while holding {@code c}'s lock together with setting
   * {@link FakeConnection#closedBy}, so that a close by the pool that crosses the peer's sees the
   * connection already uncounted, as the kernel would: else the pool frees the slot and opens
   * another connection while the peer's close is still counted, a peak the limits never allowed.
   */
  private void gone(FakeConnection c) {
    live.get(c.destination).decrementAndGet();
    liveTotal.decrementAndGet();
  }

  @Override
  public boolean requestPeerClose(FakeConnection c) {
    peerCloseRequests.incrementAndGet();
    java.util.concurrent.Executor peer = honouringPeer;
    if (peer != null) {
      peer.execute(c::peerClose);
      return true;
    }
    return peerCloseSupported;
  }

  public long open() {
    return opened.stream().filter(c -> c.closedBy == null).count();
  }

  public long closedBy(ClosedBy by) {
    return opened.stream().filter(c -> c.closedBy == by).count();
  }

  /** One fake connection. */
  public static final class FakeConnection {
    private final FakeTransport transport;
    public final Destination destination;
    public final int port;
    private final ConnectionListener listener;
    public volatile ClosedBy closedBy;

    /** Set by tests that lease it, to catch double leasing. */
    public final AtomicInteger holders = new AtomicInteger();

    FakeConnection(
        FakeTransport transport, Destination destination, int port, ConnectionListener listener) {
      this.transport = transport;
      this.destination = destination;
      this.port = port;
      this.listener = listener;
    }

    /** The peer sends FIN. */
    public void peerClose() {
      synchronized (this) {
        if (closedBy != null) {
          return;
        }
        closedBy = ClosedBy.PEER;
        transport.gone(this);
      }
      listener.closed(ClosedBy.PEER, null);
    }

    @Override
    public String toString() {
      return "fake:" + port + (closedBy != null ? " closed by " + closedBy : "");
    }
  }
}
