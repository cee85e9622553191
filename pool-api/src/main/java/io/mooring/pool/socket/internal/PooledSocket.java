package io.mooring.pool.socket.internal;

import io.mooring.pool.CloseMode;
import io.mooring.pool.ClosedBy;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.Destination;
import io.mooring.pool.socket.SocketSettings;
import io.mooring.pool.socket.WatchedSocket;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One pooled socket and its hand-off between the lessee and the watcher.
 *
 * <p>States: UNCONNECTED (no channel yet; leased or idle, nothing to watch), LEASED (blocking mode,
 * the lessee's), PENDING (released, still blocking, waiting in the watcher's delay queue), WATCHED
 * (non-blocking, registered with the watcher's selector), CLOSED. The hot hand-off, released and
 * leased again before the delay passed, is LEASED to PENDING to LEASED: two compare-and-sets, no
 * lock, no system call. Every other transition that touches the channel (register, take back from
 * the selector, read while idle, close) holds this object's monitor, so the watcher never reads a
 * socket a lessee holds and a lessee never gets a socket in non-blocking mode.
 */
public final class PooledSocket implements WatchedSocket {
  private static final System.Logger LOG = System.getLogger(PooledSocket.class.getName());

  static final int UNCONNECTED = 0;
  static final int LEASED = 1;
  static final int PENDING = 2;
  static final int WATCHED = 3;
  static final int CLOSED = 4;

  private static final VarHandle STATE;
  private static final VarHandle QUEUED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(PooledSocket.class, "state", int.class);
      QUEUED = l.findVarHandle(PooledSocket.class, "queued", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final WatcherLoop loop;
  private final Destination destination;
  private final ConnectionListener listener;
  private final SocketSettings settings;
  private final Consumer<PooledSocket> onConnected;
  private final Consumer<PooledSocket> onClosed;

  private volatile int state = UNCONNECTED;

  /** 1 while in the watcher's delay queue, so that a socket is queued at most once. */
  private volatile int queued;

  /**
   * The watcher's tick at the last release. Plain: written before the compare-and-set that
   * publishes PENDING, and read by the watcher only after it saw PENDING.
   */
  private long releasedTick;

  private volatile SocketChannel channel;

  /** The selection key while WATCHED; guarded by this. */
  private SelectionKey key;

  /**
   * A socket for one new pooled connection.
   *
   * @param onConnected called once a channel is attached (the transport learns the remote address)
   * @param onClosed called once when the socket closes, however it closes
   */
  public PooledSocket(
      WatcherLoop loop,
      Destination destination,
      ConnectionListener listener,
      SocketSettings settings,
      Consumer<PooledSocket> onConnected,
      Consumer<PooledSocket> onClosed) {
    this.loop = loop;
    this.destination = destination;
    this.listener = listener;
    this.settings = settings;
    this.onConnected = onConnected;
    this.onClosed = onClosed;
  }

  // ------------------------------------------------------------ the lessee's side

  @Override
  public Destination destination() {
    return destination;
  }

  @Override
  public boolean isConnected() {
    return channel != null && state != CLOSED;
  }

  @Override
  public boolean isOpen() {
    return state != CLOSED;
  }

  @Override
  public void connect() throws IOException {
    connect(settings.connectTimeout());
  }

  @Override
  public void connect(Duration timeout) throws IOException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "connect timeout to " + destination + " is " + timeout + "; expected > 0");
    }
    if (channel != null) {
      throw new IllegalStateException("socket to " + destination + " is connected already");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(destination.host());
    } catch (UnknownHostException e) {
      UnknownHostException named =
          new UnknownHostException(
              "cannot resolve host " + destination.host() + " of " + destination);
      named.initCause(e);
      throw named;
    }
    IOException last = null;
    for (InetAddress address : addresses) {
      InetSocketAddress remote = new InetSocketAddress(address, destination.port());
      SocketChannel ch = SocketChannel.open();
      try {
        Socket s = ch.socket();
        s.setTcpNoDelay(settings.tcpNoDelay());
        s.setKeepAlive(settings.soKeepAlive());
        if (settings.receiveBufferSize() > 0) {
          s.setReceiveBufferSize(settings.receiveBufferSize());
        }
        if (settings.sendBufferSize() > 0) {
          s.setSendBufferSize(settings.sendBufferSize());
        }
        s.connect(remote, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
      } catch (IOException e) {
        abortQuietly(ch);
        IOException named =
            e instanceof SocketTimeoutException
                ? new SocketTimeoutException(
                    "connect to " + destination + " (" + remote + ") timed out after " + timeout)
                : new ConnectException(
                    "cannot connect to " + destination + " (" + remote + "): " + e.getMessage());
        named.initCause(e);
        if (last != null) {
          named.addSuppressed(last);
        }
        last = named;
        continue;
      }
      attach(ch);
      return;
    }
    throw last;
  }

  @Override
  public void attach(SocketChannel ch) throws IOException {
    Objects.requireNonNull(ch, "channel");
    if (!ch.isConnected() || !ch.isBlocking()) {
      throw new IllegalArgumentException(
          "channel for "
              + destination
              + " must be connected and in blocking mode (connected="
              + ch.isConnected()
              + ", blocking="
              + ch.isBlocking()
              + ")");
    }
    synchronized (this) {
      if (channel != null) {
        throw new IllegalStateException("socket to " + destination + " is connected already");
      }
      if (state == CLOSED) {
        abortQuietly(ch);
        throw new IOException("the pool closed its connection to " + destination + " meanwhile");
      }
      channel = ch;
      state = LEASED;
    }
    onConnected.accept(this);
  }

  @Override
  public Socket socket() {
    SocketChannel ch = channel;
    return ch == null ? null : ch.socket();
  }

  @Override
  public InetSocketAddress localAddress() {
    SocketChannel ch = channel;
    return ch == null ? null : (InetSocketAddress) ch.socket().getLocalSocketAddress();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    SocketChannel ch = channel;
    return ch == null ? null : (InetSocketAddress) ch.socket().getRemoteSocketAddress();
  }

  @Override
  public void awaitPeerClose() {
    if (STATE.compareAndSet(this, LEASED, PENDING)) {
      loop.registerSoon(this);
    }
  }

  /**
   * The pool leased the connection: the socket is the lessee's, in blocking mode. A socket the
   * watcher had registered is checked first with one non-blocking read, so that a FIN that arrived
   * but that the watcher has not handled yet is not handed to the lessee as an open socket: it is
   * closed and reported to the pool now, and the lessee sees {@link #isOpen()} false.
   */
  public void leased() {
    if (!STATE.compareAndSet(this, PENDING, LEASED)) {
      Ended ended = leaseWatched();
      if (ended != null) {
        report(ended.by(), ended.cause());
      }
    }
  }

  private synchronized Ended leaseWatched() {
    // PENDING here means the watcher moved the socket past the compare-and-set and back; retry.
    while (state == PENDING && !STATE.compareAndSet(this, PENDING, LEASED)) {
      Thread.onSpinWait();
    }
    if (state != WATCHED) {
      return null; // LEASED, UNCONNECTED or CLOSED: nothing to take back
    }
    Ended ended = readIdleLocked(ByteBuffer.allocate(64));
    if (ended != null) {
      loop.wakeup(); // the selector completes the close of a registered channel
      return ended;
    }
    SelectionKey k = key;
    key = null;
    if (k != null) {
      k.cancel(); // the watcher's next selection drops it from the selector
    }
    try {
      channel.configureBlocking(true);
      state = LEASED;
    } catch (IOException | RuntimeException e) {
      // Cannot happen on an open channel; leave it closed so that the lessee sees !isOpen().
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot take back " + this, e);
      closeLocked(CloseMode.ABORT);
      loop.wakeup();
    }
    return null;
  }

  /** The pool took the connection back idle: the watcher takes it after its delay. */
  public void released() {
    releasedTick = loop.tick();
    if (!STATE.compareAndSet(this, LEASED, PENDING)) {
      return; // UNCONNECTED (nothing to watch) or CLOSED
    }
    if (loop.immediate()) {
      loop.registerSoon(this);
    } else if (markQueued()) {
      loop.enqueueDelayed(this);
    }
  }

  /**
   * Closes the socket the given way: ABORT sets SO_LINGER=0 (RST, no TIME_WAIT), GRACEFUL sends a
   * FIN. Never reported to the listener. Returns at once; a channel still registered is closed by
   * the watcher's next selection, which this wakes.
   */
  public void close(CloseMode mode) {
    boolean registered;
    synchronized (this) {
      if (state == CLOSED) {
        return;
      }
      registered = closeLocked(mode);
    }
    if (registered) {
      loop.wakeup();
    }
  }

  /**
   * Closes under the monitor; returns whether the channel is still registered with the selector.
   */
  private boolean closeLocked(CloseMode mode) {
    state = CLOSED;
    SocketChannel ch = channel;
    SelectionKey k = key;
    key = null;
    if (k != null) {
      k.cancel();
    }
    boolean registered = false;
    if (ch != null) {
      if (mode == CloseMode.ABORT) {
        setLingerZero(ch);
      } else {
        lingerDefault(ch); // a protocol may have set SO_LINGER=0 for its own aborts
      }
      try {
        ch.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + this + " failed", e);
      }
      registered = ch.isRegistered();
    }
    onClosed.accept(this);
    return registered;
  }

  // ------------------------------------------------------------ the watcher's side

  boolean isPending() {
    return state == PENDING;
  }

  long releasedTick() {
    return releasedTick;
  }

  /** Marks the socket queued; false if it was already (checked first: a failed CAS costs too). */
  boolean markQueued() {
    return queued == 0 && QUEUED.compareAndSet(this, 0, 1);
  }

  void dequeued() {
    queued = 0;
  }

  /** On the loop: registers a PENDING socket for read interest. */
  void register(WatcherLoop on) {
    Throwable failure = registerLocked(on);
    if (failure != null) {
      report(ClosedBy.ABORT, failure);
    }
  }

  /** Returns the failure that closed the socket, or null. */
  private synchronized Throwable registerLocked(WatcherLoop on) {
    if (!STATE.compareAndSet(this, PENDING, WATCHED)) {
      return null; // leased again or closed meanwhile
    }
    SocketChannel ch = channel;
    try {
      ch.configureBlocking(false);
      key = ch.register(on.selector(), SelectionKey.OP_READ, this);
      return null;
    } catch (CancelledKeyException e) {
      // The key of an earlier watch is cancelled but not yet dropped: try again next tick.
      try {
        ch.configureBlocking(true);
      } catch (IOException | RuntimeException again) {
        closeLocked(CloseMode.ABORT);
        return again;
      }
      state = PENDING;
      if (markQueued()) {
        on.enqueueDelayed(this);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      closeLocked(CloseMode.ABORT);
      return e;
    }
  }

  /** Why an idle socket ended: who closed first, and the error if it was not an orderly close. */
  private record Ended(ClosedBy by, Throwable cause) {}

  /**
   * On the loop: the selector says the idle socket is readable. A FIN (read returns -1) is the
   * peer's close: we close our half at once, so no CLOSE_WAIT is left. Bytes without a FIN are a
   * broken peer (it must not speak unasked): aborted. A reset is the peer's close too.
   */
  void onReadable(SelectionKey k, ByteBuffer scratch) {
    Ended ended = readIdle(k, scratch);
    if (ended != null) {
      report(ended.by(), ended.cause());
    }
  }

  private synchronized Ended readIdle(SelectionKey k, ByteBuffer scratch) {
    if (state != WATCHED || key != k) {
      return null; // leased meanwhile: the lessee owns the bytes
    }
    return readIdleLocked(scratch);
  }

  /** Reads a WATCHED (non-blocking) socket; closes it and says why if the peer ended or spoke. */
  private Ended readIdleLocked(ByteBuffer buffer) {
    long bytes = 0;
    int n;
    try {
      do {
        buffer.clear();
        n = channel.read(buffer);
        bytes += Math.max(n, 0);
      } while (n > 0 && bytes < 65_536);
    } catch (IOException e) {
      closeLocked(CloseMode.ABORT);
      return new Ended(ClosedBy.PEER, e); // reset by the peer
    }
    if (n < 0) {
      // The peer's FIN, perhaps after a last record (a TLS close_notify): the peer closed first.
      closeLocked(bytes == 0 ? CloseMode.GRACEFUL : CloseMode.ABORT);
      return new Ended(ClosedBy.PEER, null);
    }
    if (bytes == 0) {
      return null; // nothing to read after all
    }
    closeLocked(CloseMode.ABORT);
    return new Ended(
        ClosedBy.ABORT,
        new IOException(
            "peer "
                + destination
                + " sent "
                + bytes
                + " unexpected bytes on an idle pooled connection; aborted it"));
  }

  private void report(ClosedBy by, Throwable cause) {
    try {
      listener.closed(by, cause);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "connection listener failed for " + this, e);
    }
  }

  private static void lingerDefault(SocketChannel ch) {
    try {
      ch.setOption(StandardSocketOptions.SO_LINGER, -1);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot reset SO_LINGER on " + ch, e);
    }
  }

  private static void setLingerZero(SocketChannel ch) {
    try {
      ch.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot set SO_LINGER=0 on " + ch, e);
    }
  }

  private static void abortQuietly(SocketChannel ch) {
    setLingerZero(ch);
    try {
      ch.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ch + " failed", e);
    }
  }

  @Override
  public String toString() {
    SocketChannel ch = channel;
    return "PooledSocket{" + destination + ", " + (ch == null ? "unconnected" : ch) + '}';
  }
}
