package io.mooring.pool.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw loopback server, one thread per connection, that answers each byte with the same byte; on
 * {@code 'c'} it answers and then closes the connection (it closes first, like an HTTP server after
 * {@code Connection: close}). The test plays a broken or restarted server with {@link #closeAll()}
 * and {@link #sendToAll(int)}.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger resets = new AtomicInteger();

  private EchoServer() throws IOException {
    server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "echo-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static EchoServer start() throws IOException {
    return new EchoServer();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.size();
  }

  /** Connections that ended with a reset from the client (its abort). */
  int resets() {
    return resets.get();
  }

  /** Closes every accepted connection: the server's FIN. */
  void closeAll() throws IOException {
    for (Socket s : accepted) {
      s.close();
    }
  }

  /** Writes {@code b} on every accepted connection, unasked. */
  void sendToAll(int b) throws IOException {
    for (Socket s : accepted) {
      if (!s.isClosed()) {
        OutputStream out = s.getOutputStream();
        out.write(b);
        out.flush();
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.add(s);
        Thread t = new Thread(() -> serve(s), "echo-server-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        out.write(b);
        out.flush();
        if (b == 'c') {
          return;
        }
      }
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) {
        resets.incrementAndGet();
      }
    } catch (IOException e) {
      // the test closed the socket under the reader
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0); // the server's own teardown leaves no TIME_WAIT either
        s.close();
      }
    }
  }
}
