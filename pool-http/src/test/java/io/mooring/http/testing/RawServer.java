package io.mooring.http.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * A scripted HTTP/1.1 server over plain sockets, for responses no real server sends: for the n-th
 * request on a connection (0-based) the script returns the raw bytes to answer with, or null to
 * close the connection without answering (after reading the request). The simple face of {@link
 * FaultServer}.
 */
public final class RawServer implements AutoCloseable {
  /** The script. */
  public interface Script {
    /** Raw response for request {@code n} of a connection, or null to close instead. */
    byte[] respond(int n, String requestHead);
  }

  private final FaultServer server;

  /** Starts serving on a free loopback port; each request's body is read before answering. */
  public RawServer(Script script) throws IOException {
    this(script, false);
  }

  /**
   * Starts serving on a free loopback port; with {@code answerBeforeBody} each answer goes out as
   * soon as the request head is read, and the body is read (discarded) after, as nginx's {@code
   * return} and any early error response do.
   */
  public RawServer(Script script, boolean answerBeforeBody) throws IOException {
    this.server =
        new FaultServer(
            (n, head) -> {
              byte[] answer = script.respond(n, head);
              return answer == null
                  ? new FaultServer.Answer(new byte[0], FaultServer.Then.FIN)
                  : new FaultServer.Answer(answer, FaultServer.Then.KEEP);
            },
            answerBeforeBody);
  }

  /** A canned response with a body and Content-Length. */
  public static byte[] ok(String body) {
    return FaultServer.Answer.ok(body).bytes();
  }

  /** The request target of a request head, for a script that answers by path. */
  public static String pathOf(String head) {
    return FaultServer.pathOf(head);
  }

  /** Request heads seen so far (first line plus headers), each as soon as it arrived. */
  public List<String> requests() {
    return server.requests();
  }

  /** Connections accepted so far. */
  public int connections() {
    return server.connections();
  }

  /** The port. */
  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return server.uri(path);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
