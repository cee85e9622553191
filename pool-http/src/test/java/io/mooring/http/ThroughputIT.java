package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Prints the keep-alive GET throughput of Mooring's client and the JDK's at 16 in flight, measured
 * by {@link ThroughputMain} in a JVM of its own (so the tests' paranoid leak detection does not
 * slow Netty down). Not a timed test: it asserts only that the run completed without failures.
 */
class ThroughputIT {
  @Test
  void keepAliveGetsAtSixteenInFlightAgainstTheJdkClient() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ThroughputMain.class.getName()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.println("throughput child JVM: " + out.trim());
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("ratio");
  }
}
