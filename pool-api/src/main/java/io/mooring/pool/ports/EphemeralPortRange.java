package io.mooring.pool.ports;

import io.mooring.pool.ports.internal.ProcFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local ports the kernel picks from for an outgoing connection that did not bind one: {@code
 * /proc/sys/net/ipv4/ip_local_port_range} on Linux. Every connection to one remote (ip, port) needs
 * its own local port, so {@link #size()} is how many connections (including TIME_WAIT ones) one
 * destination can have at once. Immutable and thread safe.
 *
 * @param low the first port, 1..65535
 * @param high the last port, inclusive, {@code low..65535}
 */
public record EphemeralPortRange(int low, int high) {

  /** The Linux default, 32768-60999 (28,232 ports). */
  public static final EphemeralPortRange LINUX_DEFAULT = new EphemeralPortRange(32768, 60999);

  /** The IANA dynamic range used by macOS and Windows, 49152-65535. */
  public static final EphemeralPortRange IANA = new EphemeralPortRange(49152, 65535);

  /** Validates the bounds; throws {@link IllegalArgumentException} naming them. */
  public EphemeralPortRange {
    if (low < 1 || high > 65535 || low > high) {
      throw new IllegalArgumentException(
          "ephemeral port range "
              + low
              + "-"
              + high
              + " is invalid: expected 1 <= low <= high <= 65535");
    }
  }

  /** How many ports the range holds. */
  public int size() {
    return high - low + 1;
  }

  /** Whether {@code port} lies in the range. */
  public boolean contains(int port) {
    return port >= low && port <= high;
  }

  /**
   * Reads {@code proc/sys/net/ipv4/ip_local_port_range} under {@code root} (use {@code /} for the
   * running system). Returns {@link #LINUX_DEFAULT} if the file is missing or unreadable, and
   * throws nothing.
   */
  public static EphemeralPortRange read(Path root) {
    Path file = root.resolve(ProcFileReader.PORT_RANGE_FILE);
    if (!Files.isReadable(file)) {
      return LINUX_DEFAULT;
    }
    try {
      int[] lowHigh = new int[2];
      return new ProcFileReader(256).readPortRange(file, lowHigh)
          ? new EphemeralPortRange(lowHigh[0], lowHigh[1])
          : LINUX_DEFAULT;
    } catch (IOException e) {
      return LINUX_DEFAULT;
    }
  }

  /** {@code low-high (n ports)}, such as {@code 32768-60999 (28232 ports)}. */
  @Override
  public String toString() {
    return low + "-" + high + " (" + size() + " ports)";
  }
}
