package io.mooring.http;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

/**
 * Run in a JVM with a small heap ({@code -Xmx64m}) by {@link StreamingIT}: downloads and uploads
 * {@code args[1]} bytes through {@code args[0]} and prints {@code OK} with the peak heap use, or
 * exits non-zero.
 */
public final class StreamingMain {
  private StreamingMain() {}

  /** Entry point: {@code baseUri bytes}. */
  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    long size = Long.parseLong(args[1]);
    try (MooringHttpClient client = MooringHttpClient.newHttpClient()) {
      HttpResponse<InputStream> r =
          client.send(
              HttpRequest.newBuilder(base.resolve("/download")).build(),
              BodyHandlers.ofInputStream());
      long got = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = r.body()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          got += n;
        }
      }
      if (got != size) {
        System.out.println("FAIL download got " + got + " of " + size);
        System.exit(2);
      }
      HttpResponse<String> up =
          client.send(
              HttpRequest.newBuilder(base.resolve("/upload"))
                  .POST(BodyPublishers.ofInputStream(() -> new Zeros(size)))
                  .build(),
              BodyHandlers.ofString());
      if (!up.body().equals(Long.toString(size))) {
        System.out.println("FAIL upload server counted " + up.body() + " of " + size);
        System.exit(3);
      }
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      System.out.println(
          "OK downloaded and uploaded "
              + size
              + " bytes each; max heap "
              + Runtime.getRuntime().maxMemory() / (1024 * 1024)
              + " MB, peak heap pools sum "
              + peak / (1024 * 1024)
              + " MB");
    }
  }

  /** {@code size} zero bytes, generated, never held. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
