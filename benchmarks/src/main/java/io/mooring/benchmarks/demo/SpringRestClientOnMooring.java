package io.mooring.benchmarks.demo;

import io.mooring.http.MooringHttpClient;
import java.net.URI;
import java.util.List;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Spring's {@link RestClient} on Mooring: Spring's {@link JdkClientHttpRequestFactory} over a
 * {@link MooringHttpClient}, the wiring the Spring Boot starter makes for every {@code RestClient}
 * built from Boot's builder, without a Spring context. Requests are written as applications write
 * them: {@code retrieve()} and the body read into a {@code byte[]}. Thread safe as {@code
 * RestClient} is.
 */
final class SpringRestClientOnMooring extends LibraryClient {
  private final RestClient rest;

  private SpringRestClientOnMooring(RestClient rest, AutoCloseable closer, List<String> settings) {
    super("Spring's RestClient", closer, settings);
    this.rest = rest;
  }

  /** The starter's request factory on Mooring's default pool, with a 10 s read timeout. */
  static Contender contender() {
    return new Contender(
        Contenders.RESTCLIENT_MOORING,
        "Spring RestClient on Mooring",
        setup -> {
          MooringHttpClient client = setup.mooringClient();
          JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
          // What the starter does with Spring Boot's read timeout: each request's timeout.
          factory.setReadTimeout(ClientSetup.RESPONSE_TIMEOUT);
          return new SpringRestClientOnMooring(
              RestClient.builder().requestFactory(factory).build(),
              client,
              List.of(
                  "RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(client)),"
                      + " as the Spring Boot starter wires it",
                  JavaNetHttpClient.mooringSettings(setup),
                  setup.mooringIdleSetting(),
                  "read timeout 10 s (Spring Boot sets none by default)",
                  "close(): the MooringHttpClient's, as the starter's bean is closed with the"
                      + " context"));
        });
  }

  @Override
  public int get(URI uri) {
    return rest.get().uri(uri).retrieve().toEntity(byte[].class).getStatusCode().value();
  }
}
