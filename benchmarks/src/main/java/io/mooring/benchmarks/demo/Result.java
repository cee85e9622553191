package io.mooring.benchmarks.demo;

import java.util.List;

/**
 * What one client did in one phase, from its requests and the kernel's socket table.
 *
 * @param phase the phase
 * @param contender the client
 * @param ok requests answered 200
 * @param failed requests that failed (or were not answered 200)
 * @param firstError the first failure's root cause, or empty
 * @param opened connections the server accepted
 * @param timeWait client-side TIME_WAIT sockets toward the phase's server: every one the phase
 *     created, since none expires within a phase (the most seen at any reading)
 * @param closeWait the most client-side CLOSE_WAIT sockets held over two consecutive readings (a
 *     socket closed right after the peer's FIN is in CLOSE_WAIT for an instant)
 * @param peakPorts the most ephemeral ports in use toward the server at any reading
 * @param series the readings over the phase, for the chart
 * @param meters the client's own meters in Prometheus text format, if it has any
 */
record Result(
    Phase phase,
    Contender contender,
    long ok,
    long failed,
    String firstError,
    long opened,
    int timeWait,
    int closeWait,
    int peakPorts,
    List<SocketSampler.Point> series,
    String meters) {}
