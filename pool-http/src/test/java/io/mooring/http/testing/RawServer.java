package io.mooring.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/1.1 server over plain sockets, for responses no real server sends: for the n-th
 * request on a connection (0-based) the script returns the raw bytes to answer with, or null to
 * close the connection without answering (after reading the request).
 */
public final class RawServer implements AutoCloseable {
  /** The script. */
  public interface Script {
    /** Raw response for request {@code n} of a connection, or null to close instead. */
    byte[] respond(int n, String requestHead);
  }

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Script script;
  private final boolean answerBeforeBody;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

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
    this.script = script;
    this.answerBeforeBody = answerBeforeBody;
    this.socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  /** A canned response with a body and Content-Length. */
  public static byte[] ok(String body) {
    return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Request heads seen so far (first line plus headers), each as soon as it arrived. */
  public List<String> requests() {
    return requests;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** The port. */
  public int port() {
    return socket.getLocalPort();
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.incrementAndGet();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int n = 0; ; n++) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        requests.add(head); // before the body: a streamed request's head is seen as it arrives
        if (!answerBeforeBody) {
          readBody(in, head);
        }
        byte[] answer = script.respond(n, head);
        if (answer == null) {
          return;
        }
        out.write(answer);
        out.flush();
        if (answerBeforeBody) {
          readBody(in, head);
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static void readBody(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    int cl = lower.indexOf("content-length:");
    if (cl >= 0) {
      int end = lower.indexOf("\r\n", cl);
      long n = Long.parseLong(lower.substring(cl + 15, end).trim());
      in.readNBytes((int) n);
    } else if (lower.contains("transfer-encoding: chunked")) {
      // read until the terminating chunk
      int state = 0;
      byte[] end = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
      int prev = '\n';
      while (state < end.length) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        if (state == 0 && c == '0' && prev == '\n') {
          state = 1;
        } else if (state > 0 && c == end[state]) {
          state++;
        } else {
          state = 0;
        }
        prev = c;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
