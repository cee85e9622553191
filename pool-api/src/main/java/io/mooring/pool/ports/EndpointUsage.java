package io.mooring.pool.ports;

import java.net.InetSocketAddress;

/**
 * The local ports one remote endpoint uses, as of one scan. Immutable and thread safe.
 *
 * @param destination the {@code destination} tag value, {@code host:port} (IPv6 in brackets): the
 *     watched name for a watched destination, else the IP literal
 * @param address the remote (ip, port) counted; for a watched name that resolves to several
 *     addresses, the busiest one; unresolved if the name did not resolve
 * @param sockets sockets of any state from a local port in the ephemeral range to {@code address}
 * @param timeWait those of {@code sockets} in TIME_WAIT
 * @param closeWait those of {@code sockets} in CLOSE_WAIT
 * @param utilization {@code sockets} divided by the ephemeral range size, 0..1 (the kernel refuses
 *     a connect to this endpoint at 1)
 * @param watched whether the destination was registered with {@link PortMonitor#watch}
 */
public record EndpointUsage(
    String destination,
    InetSocketAddress address,
    int sockets,
    int timeWait,
    int closeWait,
    double utilization,
    boolean watched) {}
