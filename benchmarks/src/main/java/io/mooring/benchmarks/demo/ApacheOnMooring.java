package io.mooring.benchmarks.demo;

import io.mooring.apache5.MooringConnectionManager;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/** Apache HttpClient 5 classic on Mooring's connection manager (module pool-apache5). */
final class ApacheOnMooring {
  private ApacheOnMooring() {}

  /** The same Apache client and timeouts as its own contender, on Mooring's default pool. */
  static Contender contender() {
    return new Contender(
        Contenders.APACHE_MOORING,
        "Apache 5 on Mooring",
        setup ->
            new ApacheClassicClient(
                HttpClients.custom()
                    .setConnectionManager(
                        MooringConnectionManager.builder()
                            .poolSettings(setup.mooringPool())
                            .meterRegistry(setup.registry())
                            .defaultConnectionConfig(ApacheClassicClient.connectionConfig())
                            .build())
                    .build(),
                List.of(
                    "HttpClients.custom() on MooringConnectionManager: Mooring's default pool"
                        + " settings (PEER_FIRST, 32 per destination)",
                    setup.mooringIdleSetting(),
                    "connect timeout 5 s, socket timeout 10 s; Apache's retries left at their"
                        + " defaults",
                    "close()")));
  }
}
