package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.testing.NetworkNamespace;
import io.mooring.pool.testing.NetworkNamespace.Result;
import org.junit.jupiter.api.Test;

/**
 * What {@link NamespacePortReuseIT} is measured against: the same Retrofit interface on OkHttp's
 * own client, in the same kind of namespace (500 ports, {@code tcp_tw_reuse} off) against the same
 * server closing after every request. OkHttp closes as soon as it has read the response, racing the
 * server, and leaves client TIME_WAIT behind. Skipped, saying why, where a namespace cannot be
 * made.
 */
class OkHttpPortReuseIT {
  private static final NetworkNamespace NAMESPACE = new NetworkNamespace(500);

  @Test
  void okHttpsOwnClientLeavesClientTimeWaitBehindTheSameServer() throws Exception {
    NAMESPACE.assumeAvailable("OkHttpPortReuseIT");
    Result r = NAMESPACE.runChild(NamespacePortReuseChild.class, "1", "okhttp");
    assertThat(Integer.parseInt(r.values().get("CLIENT_TIME_WAIT")))
        .as("ports OkHttp closed first, held for a minute")
        .isPositive();
  }
}
