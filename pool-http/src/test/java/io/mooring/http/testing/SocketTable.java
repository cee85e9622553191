package io.mooring.http.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's TCP table ({@code /proc/net/tcp} and {@code tcp6}): client TIME_WAIT toward a server
 * port P is every entry in state 06 whose remote port is P. Ground truth, independent of the pool.
 */
public final class SocketTable {
  private static final Path[] FILES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};
  private static final int TIME_WAIT = 0x06;
  private static final int CLOSE_WAIT = 0x08;

  private SocketTable() {}

  /** Whether the table can be read (Linux). */
  public static boolean available() {
    return Files.isReadable(FILES[0]);
  }

  /** Client-side TIME_WAIT sockets of connections to {@code serverPort}. */
  public static long clientTimeWait(int serverPort) {
    return count(serverPort, TIME_WAIT);
  }

  /** Client-side CLOSE_WAIT sockets of connections to {@code serverPort}. */
  public static long clientCloseWait(int serverPort) {
    return count(serverPort, CLOSE_WAIT);
  }

  private static long count(int remotePort, int state) {
    long n = 0;
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
        int port = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        if (port == remotePort && Integer.parseInt(f[3], 16) == state) {
          n++;
        }
      }
    }
    return n;
  }
}
