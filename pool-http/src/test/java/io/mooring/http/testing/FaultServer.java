package io.mooring.http.testing;

import io.mooring.pool.testing.SocketTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP/1.1 server over plain sockets on loopback: for the n-th request of a
 * connection (0-based) a script chooses the raw bytes to answer with and how the connection goes on
 * afterwards: kept, closed (FIN), reset (RST), or stalled (nothing more is ever sent; the server
 * only waits for the client to go). The script can be swapped while the server runs, and the server
 * can be stopped (closing or resetting every connection it holds) and started again on the same
 * port, as a restarted server would be.
 *
 * <p>Thread safe. {@link #close()} stops it for good.
 */
public final class FaultServer implements AutoCloseable {
  /** Chooses the answer to request {@code n} of a connection, given its head. */
  public interface Script {
    /** The answer to request {@code n} (0-based) of a connection whose head is {@code head}. */
    Answer respond(int n, String head);
  }

  /** What happens to a connection after the answer's bytes were written. */
  public enum Then {
    /** Keep the connection and read the next request. */
    KEEP,
    /** Close it gracefully (FIN). */
    FIN,
    /** Abort it (RST, with SO_LINGER 0). */
    RST,
    /** Send nothing more and never close: wait until the client closes or resets it. */
    STALL
  }

  /**
   * Raw response bytes (possibly empty) and what follows them.
   *
   * @param bytes the bytes to write, as they go on the wire
   * @param then what happens to the connection afterwards
   */
  public record Answer(byte[] bytes, Then then) {
    /** {@code raw} (ISO-8859-1) and keep the connection. */
    public static Answer send(String raw) {
      return new Answer(raw.getBytes(StandardCharsets.ISO_8859_1), Then.KEEP);
    }

    /** {@code raw} (ISO-8859-1), then {@code then}. */
    public static Answer send(String raw, Then then) {
      return new Answer(raw.getBytes(StandardCharsets.ISO_8859_1), then);
    }

    /** A 200 with {@code body} and its Content-Length; the connection is kept. */
    public static Answer ok(String body) {
      return send("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    /** Nothing is ever answered. */
    public static Answer stall() {
      return new Answer(new byte[0], Then.STALL);
    }
  }

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final int port;
  private volatile Script script;
  private final boolean answerBeforeBody;
  private volatile ServerSocket listener;
  private volatile boolean closed;
  private Future<?> acceptor;

  /** Starts serving {@code script} on a free loopback port. */
  public FaultServer(Script script) throws IOException {
    this(script, false);
  }

  /**
   * Starts serving on a free loopback port; with {@code answerBeforeBody} each answer goes out as
   * soon as the request head is read, and the body is read (discarded) after, as nginx's {@code
   * return} and any early error response do.
   */
  public FaultServer(Script script, boolean answerBeforeBody) throws IOException {
    this.script = script;
    this.answerBeforeBody = answerBeforeBody;
    ServerSocket s = SocketTable.freshServerSocket(200);
    this.port = s.getLocalPort();
    listen(s);
  }

  /** Answers from now on with {@code next} (connections already open included). */
  public void script(Script next) {
    this.script = next;
  }

  /** Request heads seen so far (request line plus headers), on every connection. */
  public List<String> requests() {
    return requests;
  }

  /** How many requests so far asked for {@code path} (exactly, query included). */
  public long requestsFor(String path) {
    return requests.stream().filter(h -> path.equals(pathOf(h))).count();
  }

  /** Connections accepted so far, over every start. */
  public int connections() {
    return connections.get();
  }

  /** Connections open now on the server's side. */
  public int openConnections() {
    return open.size();
  }

  /** The port, the same after a restart. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * Stops listening and ends every open connection, with RST when {@code reset}, else with FIN: a
   * server process going away. Returns once nothing listens on the port and every connection is
   * closed (a socket closed while a thread blocks on it is released only when that thread leaves).
   */
  public synchronized void stop(boolean reset) throws IOException {
    ServerSocket s = listener;
    if (s != null) {
      s.close();
      listener = null;
    }
    for (Socket c : open) {
      if (reset) {
        c.setSoLinger(true, 0);
      }
      c.close();
    }
    try {
      if (acceptor != null) {
        acceptor.get(5, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping the server on " + port, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the server on " + port + " did not stop", e);
    }
  }

  /** Listens again on the same port: the restarted server. */
  public synchronized void start() throws IOException {
    if (closed || listener != null) {
      throw new IllegalStateException("closed or already listening on " + port);
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    listen(s);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    try {
      stop(false);
    } finally {
      threads.shutdownNow();
    }
  }

  private void listen(ServerSocket s) {
    listener = s;
    acceptor = threads.submit(() -> acceptLoop(s));
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        connections.incrementAndGet();
        open.add(c);
        threads.execute(() -> serve(c));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int n = 0; ; n++) {
        String head = readHead(in);
        if (head == null) {
          break;
        }
        requests.add(head); // before the body: a streamed request's head is seen as it arrives
        if (!answerBeforeBody) {
          readBody(in, head);
        }
        Answer a = script.respond(n, head);
        out.write(a.bytes());
        out.flush();
        if (answerBeforeBody && a.then() == Then.KEEP) {
          readBody(in, head);
        }
        if (a.then() == Then.RST) {
          s.setSoLinger(true, 0);
          break;
        }
        if (a.then() == Then.FIN) {
          break;
        }
        if (a.then() == Then.STALL) {
          in.transferTo(OutputStream.nullOutputStream()); // until the client goes
          break;
        }
      }
    } catch (IOException e) {
      // the client went away, or stop() closed the socket
    } finally {
      open.remove(s);
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** The request target of a request head. */
  public static String pathOf(String head) {
    int sp = head.indexOf(' ');
    return head.substring(sp + 1, head.indexOf(' ', sp + 1));
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
}
