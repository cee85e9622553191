package io.mooring.spring.boot.testing;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import feign.Feign;
import feign.Request;
import feign.RequestLine;
import feign.http2client.Http2Client;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import io.mooring.spring.boot.internal.MooringEndpoint;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * What the starter promises, on whichever Spring Boot line the subclass runs: a Boot application
 * with no Mooring code whose auto-configured {@code RestClient}, {@code RestTemplate} and {@code
 * WebClient} run on the Mooring pool against nginx on loopback (closing every connection after 5
 * requests or 1 s idle), checked from the server (nginx logged every request with Mooring's
 * User-Agent), from Mooring's meters (every request was a lease of its pool) and from the kernel's
 * socket table (no client TIME_WAIT or CLOSE_WAIT, during the load and after the context closed).
 * Subclasses supply what differs between Boot lines.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class StarterContract {
  private static final int REQUESTS = 2_000;
  private static final int IN_FLIGHT = 12;

  private KeepAliveServer server;
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  /** The Netty line this Boot line resolves, for example {@code 4.1.}. */
  protected abstract String expectedNettyLine();

  /** A {@code RestTemplate} from the context's auto-configured {@code RestTemplateBuilder}. */
  protected abstract RestTemplate restTemplate(ConfigurableApplicationContext context);

  /** Boot's property for its HTTP clients' read timeout. */
  protected abstract String bootReadTimeoutProperty();

  /** Boot's property for its HTTP clients' redirects. */
  protected abstract String bootRedirectsProperty();

  /** The {@code mooring} health indicator's status and details, through Boot's health API. */
  protected abstract Map<String, Object> mooringHealth(ConfigurableApplicationContext context);

  /** The Boot application under test: nothing but auto-configuration (and no scanning). */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  public static class App {}

  /** A user's own request factory builder (Boot's JDK one) and WebClient connector. */
  @Configuration(proxyBeanMethods = false)
  public static class UserClients {
    @Bean
    ClientHttpRequestFactoryBuilder<?> userRequestFactoryBuilder() {
      return ClientHttpRequestFactoryBuilder.jdk();
    }

    @Bean
    ClientHttpConnector userConnector() {
      return new JdkClientHttpConnector();
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server = KeepAliveServer.start(5);
  }

  @AfterEach
  void stop() {
    contexts.forEach(ConfigurableApplicationContext::close);
    server.close();
  }

  private ConfigurableApplicationContext start(Class<?> extra, String... properties) {
    List<Class<?>> sources = new ArrayList<>(List.of(App.class));
    if (extra != null) {
      sources.add(extra);
    }
    List<String> props = new ArrayList<>(List.of("spring.application.name=starter-it"));
    props.addAll(List.of(properties));
    ConfigurableApplicationContext ctx =
        new SpringApplicationBuilder(sources.toArray(new Class<?>[0]))
            .web(WebApplicationType.NONE)
            .properties(props.toArray(new String[0]))
            .run();
    contexts.add(ctx);
    return ctx;
  }

  private static double meter(MeterRegistry registry, String name, String... tags) {
    Search s = registry.find(name).tags(tags);
    return s.timers().stream().mapToDouble(t -> t.count()).sum()
        + s.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void restClientRestTemplateAndWebClientRunOnMooringAgainstNginxWithNoClientTimeWait(
      @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(SocketTable.available(), "needs Linux /proc/net/tcp");
    // keepalive_timeout 1s, keepalive_requests 5: nginx closes every connection itself.
    Nginx nginx = Nginx.builder().accessLogFormat("$uri $http_user_agent").start(dir);
    try (nginx) {
      ConfigurableApplicationContext ctx = start(null, "mooring.http.retirement-timeout=2s");
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      MooringHttpClient client = ctx.getBean(MooringHttpClient.class);
      assertThat(client.pool().settings().name()).isEqualTo("starter-it");
      String base = "http://127.0.0.1:" + nginx.port();

      RestClient restClient = ctx.getBean(RestClient.Builder.class).baseUrl(base).build();
      RestTemplate restTemplate = restTemplate(ctx);
      WebClient webClient = ctx.getBean(WebClient.Builder.class).baseUrl(base).build();

      Load.Result viaRestClient =
          Load.run(
              REQUESTS, IN_FLIGHT, () -> restClient.get().uri("/r").retrieve().body(String.class));
      Load.Result viaRestTemplate =
          Load.run(REQUESTS, IN_FLIGHT, () -> restTemplate.getForObject(base + "/t", String.class));
      List<String> viaWebClient =
          Flux.range(0, REQUESTS)
              .flatMap(
                  i -> webClient.get().uri("/w").retrieve().bodyToMono(String.class), IN_FLIGHT)
              .collectList()
              .block(Duration.ofMinutes(2));

      assertThat(viaRestClient.failed())
          .as("RestClient failures: %s", viaRestClient.firstFailure())
          .isZero();
      assertThat(viaRestTemplate.failed())
          .as("RestTemplate failures: %s", viaRestTemplate.firstFailure())
          .isZero();
      assertThat(viaWebClient).hasSize(REQUESTS).containsOnly("hello");
      // nginx's own record: every request of the three came with Mooring's User-Agent.
      Map<String, Long> logged =
          nginx.accessLog().stream().collect(groupingBy(line -> line, TreeMap::new, counting()));
      String ua = StarterContract.mooringUserAgent();
      assertThat(logged)
          .containsExactlyEntriesOf(
              new TreeMap<>(
                  Map.of(
                      "/r " + ua, (long) REQUESTS,
                      "/t " + ua, (long) REQUESTS,
                      "/w " + ua, (long) REQUESTS)));
      double leases =
          meter(registry, "mooring.acquire", "pool", "starter-it", "outcome", "success");
      double opened = meter(registry, "mooring.connections.opened", "pool", "starter-it");
      long timeWait = SocketTable.clientTimeWait(nginx.port());
      long closeWait = SocketTable.clientCloseWait(nginx.port());
      System.out.printf(
          "%s nginx: %d requests, 0 failed, %.0f leases, %.0f connections opened,"
              + " client TIME_WAIT %d, CLOSE_WAIT %d after the load%n",
          getClass().getSimpleName(), 3 * REQUESTS, leases, opened, timeWait, closeWait);
      assertThat(leases).isGreaterThanOrEqualTo(3 * REQUESTS);
      assertThat(opened).isBetween(3.0 * REQUESTS / 5, 3.0 * REQUESTS / 5 + 3 * IN_FLIGHT + 50);
      assertThat(timeWait).isZero();
      assertThat(closeWait).isZero();

      // The actuator endpoint shows the destination, nothing leased or waiting after the load.
      Map<String, Object> state = destinationState(ctx.getBean(MooringEndpoint.class).pool(), base);
      assertThat(state).containsEntry("active", 0).containsEntry("pending", 0);

      // The pool's destination is watched by the port monitor (its back-pressure) and in health.
      PortMonitor monitor = ctx.getBean(PortMonitor.class);
      assertThat(monitor.watched()).contains("127.0.0.1:" + nginx.port());
      assertThat(registry.find(PortMonitor.RANGE).gauge()).isNotNull();
      monitor.scan();
      Map<String, Object> health = mooringHealth(ctx);
      assertThat(health).containsEntry("status", "UP");
      assertThat(health.get("destinations").toString()).contains("127.0.0.1:" + nginx.port());

      ctx.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> SocketTable.clientSocketsAnyState(nginx.port()) == 0);
      System.out.printf(
          "%s nginx: after the context closed, client TIME_WAIT %d, CLOSE_WAIT %d%n",
          getClass().getSimpleName(),
          SocketTable.clientTimeWait(nginx.port()),
          SocketTable.clientCloseWait(nginx.port()));
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
      assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
    }
  }

  /**
   * The User-Agent Mooring sends by default: {@code Mooring/} and the version in pool-http's jar
   * manifest, which the build passes as {@code mooring.version}.
   */
  protected static String mooringUserAgent() {
    String version = System.getProperty("mooring.version");
    assertThat(version).as("system property mooring.version (set by the build)").isNotBlank();
    return "Mooring/" + version;
  }

  @Test
  void theMooringActuatorEndpointShowsEachDestinationsState() throws Exception {
    ConfigurableApplicationContext ctx =
        start(
            null,
            "mooring.http.server-idle-timeout=30s",
            "spring.jmx.enabled=true",
            "spring.jmx.unique-names=true",
            "management.endpoints.jmx.exposure.include=mooring");
    RestClient restClient = ctx.getBean(RestClient.Builder.class).baseUrl(server.url()).build();
    assertThat(restClient.get().uri("/e").retrieve().body(String.class)).isEqualTo("ok");

    // Read as an operator does: Actuator discovered the endpoint and exposes its read operation.
    MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> names = jmx.queryNames(new ObjectName("*:type=Endpoint,name=Mooring,*"), null);
    assertThat(names).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> body =
        (Map<String, Object>)
            jmx.invoke(names.iterator().next(), "pool", new Object[0], new String[0]);

    assertThat(body).containsEntry("pool", "starter-it");
    assertThat(destinationState(body, server.url()))
        .containsEntry("active", 0)
        .containsEntry("idle", 1)
        .containsEntry("connecting", 0)
        .containsEntry("retiring", 0)
        .containsEntry("total", 1)
        .containsEntry("pending", 0)
        .containsEntry("max", 32)
        .containsEntry("serverIdleTimeout", "PT30S");
  }

  @Test
  void urlConnectionInstallPutsPlainHttpUrlConnectionCodeOnMooringWhileTheContextIsOpen(
      CapturedOutput output) throws Exception {
    String install = "mooring.http.url-connection.install=true";
    ConfigurableApplicationContext ctx = start(null, install);
    assertThat(legacyGet("/legacy")).isEqualTo("ok");
    assertThat(server.userAgents()).containsOnlyKeys(mooringUserAgent());
    assertThat(meter(ctx.getBean(MeterRegistry.class), "mooring.acquire", "pool", "starter-it"))
        .isEqualTo(1);

    // The JVM takes one factory: a second open context cannot have it too, and says why.
    assertThatThrownBy(() -> start(null, install, "spring.application.name=other"))
        .hasMessageContaining("mooring.http.url-connection.install");
    assertThat(output).contains("Invalid value for property 'mooring.http.url-connection.install'");

    // Closed, the context gives HttpURLConnection back to the JDK, never to its closed client;
    // a new context takes it again.
    ctx.close();
    assertThat(legacyGet("/after-close")).isEqualTo("ok");
    assertThat(server.userAgents().keySet()).anyMatch(ua -> ua.startsWith("Java/"));
    ConfigurableApplicationContext again = start(null, install);
    assertThat(legacyGet("/again")).isEqualTo("ok");
    assertThat(meter(again.getBean(MeterRegistry.class), "mooring.acquire", "pool", "starter-it"))
        .isEqualTo(1);
    assertThat(server.userAgents()).containsEntry(mooringUserAgent(), 2);
  }

  /** A Feign client interface. */
  public interface FeignHello {
    /** GET {@code /feign}. */
    @RequestLine("GET /feign")
    String hello();
  }

  @Test
  void feignsHttp2ClientStaysOnMooringOnlyWhenItsOptionsMatchTheClient() {
    // Feign's Http2Client rebuilds a JDK client of its own unless the client's redirect policy is
    // ALWAYS exactly when Request.Options follows redirects, and its connect timeout equals the
    // options' (Feign's defaults: follow, 10 s).
    ConfigurableApplicationContext ctx =
        start(null, "mooring.http.redirects=ALWAYS", "mooring.http.connect-timeout=10s");
    MooringHttpClient client = ctx.getBean(MooringHttpClient.class);
    MeterRegistry registry = ctx.getBean(MeterRegistry.class);

    FeignHello matching =
        Feign.builder()
            .client(new Http2Client(client))
            .options(new Request.Options(10, TimeUnit.SECONDS, 30, TimeUnit.SECONDS, true))
            .target(FeignHello.class, server.url());
    assertThat(matching.hello()).isEqualTo("ok");
    assertThat(server.userAgents()).containsOnlyKeys(mooringUserAgent());
    assertThat(meter(registry, "mooring.acquire", "pool", "starter-it")).isEqualTo(1);

    // The trap: a 5 s connect timeout in the options, and not one request reaches Mooring.
    FeignHello mismatched =
        Feign.builder()
            .client(new Http2Client(client))
            .options(new Request.Options(5, TimeUnit.SECONDS, 30, TimeUnit.SECONDS, true))
            .target(FeignHello.class, server.url());
    assertThat(mismatched.hello()).isEqualTo("ok");
    assertThat(server.userAgents().keySet()).anyMatch(ua -> ua.startsWith("Java-http-client"));
    assertThat(meter(registry, "mooring.acquire", "pool", "starter-it")).isEqualTo(1);
  }

  /** A GET as legacy code writes it: the JVM's URL handler, HttpURLConnection, nothing else. */
  private String legacyGet(String path) throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL(server.url() + path).openConnection();
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> destinationState(Map<String, Object> body, String base) {
    Map<String, Object> destinations = (Map<String, Object>) body.get("destinations");
    assertThat(destinations).containsOnlyKeys(base);
    return (Map<String, Object>) destinations.get(base);
  }

  @Test
  void runsOnTheNettyTheBootLineManages() {
    start(null);
    assertThat(io.netty.util.Version.identify().get("netty-transport").artifactVersion())
        .startsWith(expectedNettyLine());
  }

  @Test
  void metersGoToBootsRegistryAndPrometheus() {
    ConfigurableApplicationContext ctx = start(null);
    RestClient restClient = ctx.getBean(RestClient.Builder.class).baseUrl(server.url()).build();
    for (int i = 0; i < 3; i++) {
      assertThat(restClient.get().uri("/m").retrieve().body(String.class)).isEqualTo("ok");
    }
    String scrape =
        ctx.getBeansOfType(MeterRegistry.class).values().stream()
            .filter(r -> r instanceof io.micrometer.prometheusmetrics.PrometheusMeterRegistry)
            .map(r -> ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) r).scrape())
            .findFirst()
            .orElseThrow();
    assertThat(scrape)
        .contains("mooring_connections_opened_connections_total{")
        .contains("pool=\"starter-it\"")
        .contains("mooring_ports_ephemeral_range_ports")
        .contains("http_client_requests_seconds_count{");
    // Spring's observation times the requests (uri="/m"); the client's own timer of that name is
    // off. With both, Prometheus kept whichever registered first (the client's, uri="UNKNOWN") and
    // refused the other with a warning; other registries counted each request twice.
    List<String> counts =
        scrape.lines().filter(l -> l.startsWith("http_client_requests_seconds_count{")).toList();
    assertThat(counts).as(scrape).hasSize(1);
    assertThat(counts.get(0)).contains("uri=\"/m\"").matches(".* 3(\\.0)?");
  }

  @Test
  void bootsReadTimeoutBecomesTheRequestTimeout() {
    ConfigurableApplicationContext ctx = start(null, bootReadTimeoutProperty() + "=300ms");
    RestClient restClient = ctx.getBean(RestClient.Builder.class).baseUrl(server.url()).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> restClient.get().uri("/stall").retrieve().body(String.class))
        .isInstanceOf(ResourceAccessException.class)
        .hasRootCauseInstanceOf(java.net.http.HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(meter(ctx.getBean(MeterRegistry.class), "mooring.acquire", "pool", "starter-it"))
        .isEqualTo(1);
  }

  @Test
  void aBadPropertyFailsStartupNamingItsValueAndRange(CapturedOutput output) {
    assertThatThrownBy(() -> start(null, "mooring.http.max-connections-per-destination=0"))
        .hasMessageContaining("mooring.http.max-connections-per-destination");
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("Invalid value for property 'mooring.http.max-connections-per-destination'")
        .contains("maxConnectionsPerDestination is 0; expected 1..1000000");
  }

  @Test
  void bootsRedirectSettingOtherThanItsDefaultFailsStartupPointingAtMooringsOwn(
      CapturedOutput output) {
    assertThatThrownBy(() -> start(null, bootRedirectsProperty() + "=dont-follow"))
        .hasMessageContaining(bootRedirectsProperty());
    assertThat(output).contains("mooring.http.redirects");
  }

  @Test
  void aUsersOwnRequestFactoryBuilderAndConnectorWin() {
    ConfigurableApplicationContext ctx = start(UserClients.class);
    ctx.getBean(RestClient.Builder.class)
        .baseUrl(server.url())
        .build()
        .get()
        .uri("/u")
        .retrieve()
        .body(String.class);
    assertThat(ctx.getBean(ClientHttpConnector.class)).isSameAs(ctx.getBean("userConnector"));
    assertThat(meter(ctx.getBean(MeterRegistry.class), "mooring.acquire")).isZero();
    assertThat(server.userAgents().keySet()).allMatch(ua -> ua.startsWith("Java-http-client"));
  }

  /**
   * Whether some thread does a blocking exchange of Mooring's caller-thread path and is inside the
   * JDK's socket implementation (a read, a poll, a write). Event loops never run that code.
   */
  /** Whether {@code thread} is blocked in a socket read of Mooring's caller-thread exchange. */
  private static boolean doesBlockingSocketIo(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    return Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("sun.nio.ch."))
        && Arrays.stream(stack)
            .anyMatch(f -> f.getClassName().endsWith(".internal.SocketExchange"));
  }

  @Test
  void ioCallerThreadRunsRestClientsExchangesOnBlockingSocketsAndLeavesNoTimeWait()
      throws Exception {
    // Boot binds enums leniently: caller-thread is CALLER_THREAD.
    ConfigurableApplicationContext ctx = start(null, "mooring.http.io=caller-thread");
    RestClient restClient = ctx.getBean(RestClient.Builder.class).baseUrl(server.url()).build();
    CompletableFuture<Integer> held = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                held.complete(
                    restClient
                        .get()
                        .uri("/stall")
                        .retrieve()
                        .toBodilessEntity()
                        .getStatusCode()
                        .value());
              } catch (RuntimeException e) {
                held.completeExceptionally(e);
              }
            },
            "rest-client-caller");
    caller.start();
    // While the server holds the response, the RestClient's own calling thread blocks in the
    // socket read (Spring's request sends with sendAsync; the starter has the caller do it).
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> doesBlockingSocketIo(caller));
    server.releaseStalled();
    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    // The server closes every 5th connection itself, as nginx's keepalive_requests does.
    for (int i = 0; i < 20; i++) {
      assertThat(restClient.get().uri("/c").retrieve().body(String.class)).isEqualTo("ok");
    }
    assertThat(server.requests()).isEqualTo(20);
    assertThat(server.userAgents()).containsOnlyKeys(mooringUserAgent());
    assertThat(meter(ctx.getBean(MeterRegistry.class), "mooring.acquire", "pool", "starter-it"))
        .isEqualTo(21);

    int port = server.port();
    ctx.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SocketTable.clientSocketsAnyState(port) == SocketTable.clientTimeWait(port));
    assertThat(SocketTable.clientTimeWait(port)).isZero();
    assertThat(SocketTable.clientCloseWait(port)).isZero();
  }

  @Test
  void anUnknownIoModeFailsStartupNamingThePropertyAndTheModes(CapturedOutput output) {
    assertThatThrownBy(() -> start(null, "mooring.http.io=caller"))
        .hasStackTraceContaining("mooring.http.io");
    // Boot's own bind failure analysis: the property, the value and the modes it accepts.
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("mooring.http.io")
        .contains("Value: \"caller\"")
        .contains("CALLER_THREAD")
        .contains("EVENT_LOOP");
  }

  @Test
  void mooringHttpEnabledFalseTurnsItAllOff() {
    ConfigurableApplicationContext ctx = start(null, "mooring.http.enabled=false");
    assertThat(ctx.getBeansOfType(MooringHttpClient.class)).isEmpty();
    assertThat(ctx.getBeansOfType(PortMonitor.class)).isEmpty();
    assertThat(
            ctx.getBean(RestClient.Builder.class)
                .baseUrl(server.url())
                .build()
                .get()
                .uri("/o")
                .retrieve()
                .body(String.class))
        .isEqualTo("ok");
    assertThat(server.requests()).isEqualTo(1);
  }
}
