package io.mooring.pool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The kernel's TCP socket table, read from {@code /proc/net/tcp} and {@code /proc/net/tcp6}: the
 * ground truth for TIME_WAIT and CLOSE_WAIT claims, independent of anything the pool counts.
 */
public final class SocketTable {
  public static final int ESTABLISHED = 0x01;
  public static final int TIME_WAIT = 0x06;
  public static final int CLOSE_WAIT = 0x08;

  private static final Path[] FILES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

  /** One socket: ports and the kernel's state number. */
  public record Entry(int localPort, int remotePort, int state) {}

  private SocketTable() {}

  /** Whether the table can be read here (Linux). */
  public static boolean available() {
    return Files.isReadable(FILES[0]);
  }

  /** Every TCP socket of this network namespace. */
  public static List<Entry> read() {
    List<Entry> out = new ArrayList<>();
    for (Path p : FILES) {
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length < 4) {
          continue;
        }
        out.add(new Entry(port(f[1]), port(f[2]), Integer.parseInt(f[3], 16)));
      }
    }
    return out;
  }

  private static int port(String addressColonPort) {
    return Integer.parseInt(addressColonPort.substring(addressColonPort.indexOf(':') + 1), 16);
  }

  /** Sockets matching {@code filter}. */
  public static long count(Predicate<Entry> filter) {
    return read().stream().filter(filter).count();
  }

  /** Client-side sockets in {@code state} of connections to server port {@code serverPort}. */
  public static long clientSockets(int serverPort, int state) {
    return count(e -> e.remotePort() == serverPort && e.state() == state);
  }

  /** Client-side TIME_WAIT sockets of connections to {@code serverPort}: what the pool avoids. */
  public static long clientTimeWait(int serverPort) {
    return clientSockets(serverPort, TIME_WAIT);
  }

  /** Client-side CLOSE_WAIT sockets of connections to {@code serverPort}: a client leak. */
  public static long clientCloseWait(int serverPort) {
    return clientSockets(serverPort, CLOSE_WAIT);
  }

  /** Client-side sockets of connections to {@code serverPort} in any state. */
  public static long clientSocketsAnyState(int serverPort) {
    return count(e -> e.remotePort() == serverPort);
  }

  /** Server-side TIME_WAIT sockets on {@code serverPort}: where a peer-first close leaves them. */
  public static long serverTimeWait(int serverPort) {
    return count(e -> e.localPort() == serverPort && e.state() == TIME_WAIT);
  }

  /** Any socket at all that uses {@code port} on either end. */
  public static long anyUsing(int port) {
    return count(e -> e.localPort() == port || e.remotePort() == port);
  }

  /**
   * A loopback server socket on a port that no socket in the table points at yet. A test that
   * counts client sockets by server port must not inherit the TIME_WAIT sockets that an earlier
   * test's client left toward an earlier server on the same port number (they last 60 s, and the
   * kernel hands the number out again as soon as that server is gone). Ports that are taken are
   * held until a clean one is found, so the kernel cannot offer them twice.
   */
  public static ServerSocket freshServerSocket(int backlog) throws IOException {
    List<ServerSocket> stale = new ArrayList<>();
    try {
      for (int attempt = 0; ; attempt++) {
        ServerSocket s = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        if (!available() || attempt >= 50 || clientSocketsAnyState(s.getLocalPort()) == 0) {
          return s;
        }
        stale.add(s);
      }
    } finally {
      for (ServerSocket s : stale) {
        s.close();
      }
    }
  }
}
