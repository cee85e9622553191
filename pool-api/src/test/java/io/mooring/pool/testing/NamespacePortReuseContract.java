package io.mooring.pool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.testing.NetworkNamespace.Result;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every client module's {@code NamespacePortReuseIT} asserts: its {@link PortReuseChild} main,
 * run in a {@link NetworkNamespace} of 500 ports against a server closing after every request,
 * completes 2,000 GETs on 2,000 connections without a failure and leaves no client TIME_WAIT.
 * Skipped, saying why, where a namespace cannot be made.
 */
public abstract class NamespacePortReuseContract {
  private static final NetworkNamespace NAMESPACE = new NetworkNamespace(500);

  private final Class<?> child;
  private final String[] mooringArgs;

  /**
   * {@code child} is the module's main (built on {@link PortReuseChild}); {@code mooringArgs} its
   * arguments for a run on Mooring with the server closing after every request.
   */
  protected NamespacePortReuseContract(Class<?> child, String... mooringArgs) {
    this.child = child;
    this.mooringArgs = mooringArgs;
  }

  @BeforeEach
  void needsANamespace() throws InterruptedException {
    NAMESPACE.assumeAvailable("NamespacePortReuseIT");
  }

  /** Runs the child with {@code args} in the namespace; asserts it exited 0. */
  protected Result run(String... args) throws Exception {
    return NAMESPACE.runChild(child, args);
  }

  @Test
  void twoThousandGetsEachOnANewConnectionThroughFiveHundredPortsWithoutAFailure()
      throws Exception {
    Result r = run(mooringArgs);
    Map<String, String> v = r.values();
    assertThat(v.get("FAILED")).as(r.output()).isEqualTo("0");
    assertThat(v.get("OK")).isEqualTo("2000");
    assertThat(v.get("SERVED")).as("requests the server answered").isEqualTo("2000");
    assertThat(Integer.parseInt(v.get("CONNECTIONS"))).as("connections").isEqualTo(2_000);
    assertThat(v.get("CLIENT_TIME_WAIT")).isEqualTo("0");
  }
}
