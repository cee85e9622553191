/**
 * The Netty transport of the Mooring pool: {@link io.mooring.pool.netty.NettyTransport} opens
 * pooled channels (native epoll or NIO, optional TLS), keeps read interest on idle ones so the
 * peer's FIN closes them within the event-loop tick (no CLOSE_WAIT), and closes them the way the
 * pool asks: RST for an abort (no TIME_WAIT), FIN for a graceful close.
 *
 * <p>Protocol layers built on it use {@link io.mooring.pool.netty.PooledChannels} to mark channels
 * leased or idle and register a {@link io.mooring.pool.netty.PeerCloseRequester} so that the pool
 * can ask the peer to close first. Everything under {@code io.mooring.pool.netty.internal} is
 * implementation and may change without notice.
 */
package io.mooring.pool.netty;
