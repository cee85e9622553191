/**
 * Implementation of the Netty transport: the idle watch handler, the close policies at the socket,
 * and the choice of epoll or NIO. Not an API: use {@code io.mooring.pool.netty}.
 */
package io.mooring.pool.netty.internal;
