package io.mooring.spring.boot.internal;

import io.mooring.http.MooringHttpClient;
import java.time.Duration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;

/**
 * Makes the {@code WebClient} connector on the shared {@link MooringHttpClient}. Kept apart from
 * the auto-configuration class so that it loads without Spring WebFlux and Reactor. Stateless.
 */
public final class MooringConnectors {
  private MooringConnectors() {}

  /**
   * Spring's {@link JdkClientHttpConnector} over {@code client}, which the caller owns.
   *
   * @param readTimeout Spring Boot's read timeout, each exchange's timeout; null for none
   */
  public static ClientHttpConnector create(MooringHttpClient client, Duration readTimeout) {
    JdkClientHttpConnector connector = new JdkClientHttpConnector(client);
    if (readTimeout != null) {
      connector.setReadTimeout(readTimeout);
    }
    return connector;
  }
}
