package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.testing.NetworkNamespace;
import io.mooring.pool.testing.NetworkNamespace.Result;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Mooring through ten ports: in a new network namespace ({@code unshare -Urn}) whose ephemeral
 * range is 10 ports and whose {@code tcp_tw_reuse} is off, a pool sends 1,000 requests and retires
 * every connection after 10 of them, 100 connections in all. Because the server closes first, no
 * client port is held in TIME_WAIT and the same 10 ports serve every connection. (A client that
 * closes first fails after 10 connections there: see pool-api's NamespaceExhaustionIT.) Skipped,
 * saying why, where a namespace cannot be made.
 */
class NamespacePortReuseIT {
  private static final NetworkNamespace NAMESPACE = new NetworkNamespace(10);

  @Test
  void thousandRequestsWithRetirementThroughTenPortsWithoutAnError() throws Exception {
    String reason = NAMESPACE.unavailableReason();
    if (reason != null) {
      System.out.println("NamespacePortReuseIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);

    Result r =
        NAMESPACE.runJava(System.getProperty("java.class.path"), NamespacePortReuseChild.class);
    assertThat(r.exit()).as(r.output()).isZero();
    Map<String, String> v = r.values();
    assertThat(v.get("FAILED")).as(r.output()).isEqualTo("0");
    assertThat(v.get("OK")).isEqualTo("1000");
    assertThat(Integer.parseInt(v.get("ACCEPTED"))).as("connections").isEqualTo(100);
    assertThat(v.get("CLIENT_TIME_WAIT")).isEqualTo("0");
  }
}
