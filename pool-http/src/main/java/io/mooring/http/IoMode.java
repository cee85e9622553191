package io.mooring.http;

/**
 * Which threads do a {@link MooringHttpClient}'s socket I/O. Chosen once per client ({@link
 * MooringHttpClient.Builder#io}); each mode has its own kind of pooled connection, so a client
 * keeps one pool either way.
 */
public enum IoMode {
  /**
   * Netty event loops do all I/O; {@code send} waits for a future the loop completes. The default:
   * few threads serve any number of requests in flight, and {@code sendAsync} never ties up a
   * thread per request.
   */
  EVENT_LOOP,

  /**
   * The thread that sends does the I/O itself on a blocking socket, as Apache HttpClient classic
   * and OkHttp do: {@code send} on the caller's thread, {@code sendAsync} on the client's executor
   * (one thread per request in flight), the HttpURLConnection drop-in on the thread that reads its
   * response. No thread hand-off per request, so a blocking caller pays one wake-up fewer per
   * request or more. Idle connections are watched by one selector thread, so a server's FIN is
   * still answered at once (no CLOSE_WAIT) and retirement works as in {@link #EVENT_LOOP}.
   */
  CALLER_THREAD
}
