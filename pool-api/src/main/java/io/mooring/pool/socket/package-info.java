/**
 * A JDK-only {@link io.mooring.pool.Transport} for clients that do blocking I/O on the caller's
 * thread (Apache HttpClient 5 classic, a blocking HTTP path): {@link
 * io.mooring.pool.socket.SocketTransport}.
 *
 * <p>While a connection is leased its socket is an ordinary blocking {@link java.net.Socket} that
 * the lessee reads and writes on its own thread. While it is idle, one {@link
 * io.mooring.pool.socket.IdleSocketWatcher} thread watches it for the peer's FIN, a reset or
 * unexpected bytes, through a {@link java.nio.channels.Selector}: the connection leaves the pool at
 * once and our half is closed at once, so no socket is left in CLOSE_WAIT. Handing a socket from a
 * lessee to the watcher and back costs two compare-and-sets when the socket is leased again within
 * {@link io.mooring.pool.socket.IdleSocketWatcher#watchDelay()}; a socket idle for longer is
 * registered with the selector, and leasing it takes it back out (see {@link
 * io.mooring.pool.socket.IdleSocketWatcher}).
 *
 * <pre>{@code
 * try (SocketTransport<WatchedSocket> transport = SocketTransport.builder(s -> s).build();
 *     ConnectionPool<WatchedSocket> pool = ConnectionPool.builder(transport).build();
 *     Lease<WatchedSocket> lease = pool.acquire(destination, Duration.ofSeconds(2))) {
 *   WatchedSocket s = lease.connection();
 *   if (!s.isConnected()) {
 *     s.connect();                       // on this thread, with the transport's SocketSettings
 *   }
 *   exchange(s.socket());                // blocking I/O; on failure lease.fail(e)
 * }
 * }</pre>
 */
package io.mooring.pool.socket;
