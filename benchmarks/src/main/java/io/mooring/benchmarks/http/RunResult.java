package io.mooring.benchmarks.http;

import java.util.List;
import java.util.Map;

/**
 * One run: one contender against one fresh server at one concurrency for one measured phase.
 * Unknown figures are -1 (counts) or NaN (allocation).
 *
 * @param server the server kind
 * @param contender the client's name
 * @param inFlight requests in flight
 * @param ok requests completed with status 200 in the measured phase
 * @param failed requests failed in the measured phase (exceptions or another status)
 * @param seconds length of the measured phase
 * @param p50Nanos median latency
 * @param p99Nanos 99th percentile latency
 * @param connections connections the server accepted over the run
 * @param timeWait client-side TIME_WAIT sockets toward the server after the client was closed
 * @param stillOpen client sockets toward the server not yet closed a few seconds after closing
 * @param bytesPerRequest bytes allocated in the JVM (server threads excluded) per completed request
 * @param cpuMicrosPerRequest CPU time of the JVM (server threads excluded) per completed request
 * @param switchesPerRequest context switches in the JVM (server threads excluded) per completed
 *     request
 * @param endedThreads threads that ended during the measured phase (their switches are missing)
 * @param failures a few failure messages and their counts
 */
record RunResult(
    String server,
    String contender,
    int inFlight,
    long ok,
    long failed,
    double seconds,
    long p50Nanos,
    long p99Nanos,
    long connections,
    int timeWait,
    int stillOpen,
    double bytesPerRequest,
    double cpuMicrosPerRequest,
    double switchesPerRequest,
    List<String> endedThreads,
    Map<String, Long> failures) {

  /** A run that could not start: everything unknown, one failure message. */
  static RunResult broken(String server, String contender, int inFlight, Exception cause) {
    return new RunResult(
        server,
        contender,
        inFlight,
        0,
        0,
        0,
        -1,
        -1,
        -1,
        -1,
        -1,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        List.of(),
        Map.of("could not run: " + cause, 1L));
  }

  /** Completed requests per second. */
  double throughput() {
    return seconds > 0 ? ok / seconds : 0;
  }
}
