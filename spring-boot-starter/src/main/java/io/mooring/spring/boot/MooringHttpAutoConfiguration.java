package io.mooring.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.spring.boot.internal.Boot3PortHealthIndicator;
import io.mooring.spring.boot.internal.Boot4PortHealthIndicator;
import io.mooring.spring.boot.internal.BootRedirects;
import io.mooring.spring.boot.internal.MooringClients;
import io.mooring.spring.boot.internal.MooringConnectors;
import io.mooring.spring.boot.internal.MooringEndpoint;
import io.mooring.spring.boot.internal.MooringRequestFactories;
import io.mooring.spring.boot.internal.PortHealth;
import io.mooring.spring.boot.internal.UrlConnectionInstall;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Auto-configuration of Mooring for Spring Boot 3.5 and 4.0: a {@link MooringHttpClient} bean
 * configured by {@link MooringHttpProperties} and closed with the context (its connections retire
 * peer-first), and Spring Boot's own HTTP client extension points on it, so that every {@code
 * RestClient}, {@code RestTemplate} and {@code WebClient} built from Boot's builders runs on the
 * one pool:
 *
 * <ul>
 *   <li>a {@code ClientHttpRequestFactoryBuilder} bean (Spring's {@code
 *       JdkClientHttpRequestFactory} over the client), which {@code RestClient.Builder} and {@code
 *       RestTemplateBuilder} use, Boot's read timeout becoming each request's timeout;
 *   <li>a {@link ClientHttpConnector} bean (Spring's {@code JdkClientHttpConnector} over the
 *       client), which {@code WebClient.Builder} uses;
 *   <li>the kernel {@link PortMonitor}, started with the context, giving the pool its port
 *       back-pressure; its meters go to Boot's {@code MeterRegistry} like the client's, and with
 *       Actuator a {@code mooring} health indicator reports it;
 *   <li>with Actuator, the {@code mooring} endpoint: the pool's state per destination;
 *   <li>with {@code mooring.http.url-connection.install=true}, {@code HttpURLConnection} on the
 *       client (see {@code UrlConnectionInstall}).
 * </ul>
 *
 * <p>Backs off as Boot does: a user's own {@code MooringHttpClient}, {@code PortMonitor}, {@code
 * ClientHttpRequestFactoryBuilder}, {@code ClientHttpConnector} or {@code
 * ClientHttpConnectorBuilder} bean wins, and {@code mooring.http.enabled=false} turns all of it
 * off.
 *
 * <p>Boot 4 moved these extension points into modules ({@code spring-boot-http-client}, {@code
 * spring-boot-restclient}, {@code spring-boot-webclient}) but kept the class names and the methods
 * used here, except the settings type and the health API, which get a configuration per line,
 * chosen by which classes are present.
 */
@AutoConfiguration(
    beforeName = {
      // Spring Boot 3.5
      "org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
      "org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration",
      "org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration",
      // Spring Boot 4.0
      "org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
      "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
      "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration"
    })
@ConditionalOnClass(MooringHttpClient.class)
@ConditionalOnProperty(
    prefix = MooringHttpProperties.PREFIX,
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(MooringHttpProperties.class)
public class MooringHttpAutoConfiguration {
  private static final String PORT_MONITOR = MooringHttpProperties.PREFIX + ".port-monitor";

  /** Instantiated by Spring Boot. */
  public MooringHttpAutoConfiguration() {}

  /**
   * The kernel port monitor, started here and closed with the context (after the client). Boot
   * binds its {@code mooring.ports.*} meters to the registry, as for every {@code MeterBinder}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(
      prefix = PORT_MONITOR,
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  public PortMonitor mooringPortMonitor(MooringHttpProperties properties) {
    PortMonitor monitor = MooringClients.portMonitor(properties.getPortMonitor());
    monitor.start();
    return monitor;
  }

  /**
   * The client every auto-configured {@code RestClient}, {@code RestTemplate} and {@code WebClient}
   * uses; closed with the context, its connections retiring under its close policy (peer-first by
   * default).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public MooringHttpClient mooringHttpClient(
      MooringHttpProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<PortMonitor> monitor,
      ObjectProvider<ObservationRegistry> observations) {
    // Spring's observation, when there is a registry for it, times every request of the
    // RestClient, RestTemplate and WebClient it builds as http.client.requests: the client's own
    // timer of the same name would count each request a second time.
    boolean requestMetrics =
        properties.getRequestMetrics() != null
            ? properties.getRequestMetrics()
            : observations.getIfUnique() == null;
    return MooringClients.create(
        properties, environment, registry.getIfUnique(), monitor.getIfUnique(), requestMetrics);
  }

  /**
   * With {@code mooring.http.url-connection.install=true}: {@code HttpURLConnection} code in the
   * JVM runs on the client until the context closes (before the client).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(
      prefix = MooringHttpProperties.PREFIX,
      name = "url-connection.install",
      havingValue = "true")
  public UrlConnectionInstall mooringUrlConnectionInstall(MooringHttpClient client) {
    return UrlConnectionInstall.bind(client);
  }

  /** {@code RestClient.Builder} and {@code RestTemplateBuilder} on the client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder",
        "org.springframework.http.client.JdkClientHttpRequestFactory"
      })
  static class RequestFactoryConfiguration {
    @Bean
    @ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
    ClientHttpRequestFactoryBuilder<MooringRequestFactories.Factory>
        mooringClientHttpRequestFactoryBuilder(MooringHttpClient client, Environment environment) {
      BootRedirects.check(environment, client);
      MooringRequestFactories factories = new MooringRequestFactories(client);
      // Boot's of(Supplier) has the same signature on 3.5 and 4.0 and applies Boot's timeouts to
      // each factory through its setters.
      return ClientHttpRequestFactoryBuilder.of(factories::create);
    }
  }

  /** {@code WebClient.Builder} on the client, Spring Boot 3.5 (its reactive settings type). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.reactive.function.client.WebClient",
        "reactor.core.publisher.Mono",
        "org.springframework.boot.http.client.reactive.ClientHttpConnectorSettings"
      })
  static class Boot3ConnectorConfiguration {
    @Bean
    @ConditionalOnMissingBean({ClientHttpConnector.class, ClientHttpConnectorBuilder.class})
    ClientHttpConnector mooringClientHttpConnector(
        MooringHttpClient client, ObjectProvider<ClientHttpConnectorSettings> settings) {
      ClientHttpConnectorSettings s = settings.getIfAvailable();
      return MooringConnectors.create(client, s == null ? null : s.readTimeout());
    }
  }

  /** {@code WebClient.Builder} on the client, Spring Boot 4.0 (one settings type for all). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.reactive.function.client.WebClient",
        "reactor.core.publisher.Mono",
        "org.springframework.boot.http.client.HttpClientSettings"
      })
  @ConditionalOnMissingClass(
      "org.springframework.boot.http.client.reactive.ClientHttpConnectorSettings")
  static class Boot4ConnectorConfiguration {
    @Bean
    @ConditionalOnMissingBean({ClientHttpConnector.class, ClientHttpConnectorBuilder.class})
    ClientHttpConnector mooringClientHttpConnector(
        MooringHttpClient client, ObjectProvider<HttpClientSettings> settings) {
      HttpClientSettings s = settings.getIfAvailable();
      return MooringConnectors.create(client, s == null ? null : s.readTimeout());
    }
  }

  /** The {@code mooring} actuator endpoint: the pool's state per destination. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MooringEndpoint mooringEndpoint(MooringHttpClient client) {
      return new MooringEndpoint(client);
    }
  }

  /** The {@code mooring} health indicator, Spring Boot 3.5's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(
      prefix = PORT_MONITOR,
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot3HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "mooringHealthIndicator")
    Boot3PortHealthIndicator mooringHealthIndicator(PortMonitor monitor) {
      return new Boot3PortHealthIndicator(new PortHealth(monitor));
    }
  }

  /** The {@code mooring} health indicator, Spring Boot 4.0's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(
      prefix = PORT_MONITOR,
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "mooringHealthIndicator")
    Boot4PortHealthIndicator mooringHealthIndicator(PortMonitor monitor) {
      return new Boot4PortHealthIndicator(new PortHealth(monitor));
    }
  }
}
