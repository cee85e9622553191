package io.mooring.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.ports.PortMonitor;
import io.mooring.spring.boot.MooringHttpProperties;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Builds the starter's {@link MooringHttpClient} and {@link PortMonitor} from {@link
 * MooringHttpProperties}. A value the settings builders refuse becomes an {@link
 * InvalidMooringPropertyException} naming the property. Stateless.
 */
public final class MooringClients {
  /** Spring Boot's connect timeout for its HTTP clients: Boot 3.5's name, then Boot 4's. */
  static final List<String> BOOT_CONNECT_TIMEOUT =
      List.of("spring.http.client.connect-timeout", "spring.http.clients.connect-timeout");

  private static final String DEFAULT_NAME = "mooring";

  private MooringClients() {}

  /**
   * A client configured by {@code properties}; its connect timeout is {@code
   * mooring.http.connect-timeout}, else Spring Boot's, else Mooring's default. The caller closes it
   * (before {@code monitor}).
   *
   * @param registry where the meters go, or null
   * @param monitor the port monitor giving the pool its back-pressure, or null
   * @param requestMetrics whether the client records its own {@code http.client.requests} timer
   * @throws InvalidMooringPropertyException naming the first property out of range
   */
  public static MooringHttpClient create(
      MooringHttpProperties properties,
      Environment environment,
      MeterRegistry registry,
      PortMonitor monitor,
      boolean requestMetrics) {
    PoolSettings pool = validated("", () -> poolSettings(properties, environment));
    Duration connectTimeout = connectTimeout(properties, environment);
    NettySettings netty =
        validated("", () -> NettySettings.builder().connectTimeout(connectTimeout).build());
    MooringHttpClient.Builder b =
        MooringHttpClient.newBuilder()
            .poolSettings(pool)
            .nettySettings(netty)
            .connectTimeout(connectTimeout)
            .followRedirects(properties.getRedirects())
            .io(properties.getIo())
            .requestMetrics(requestMetrics);
    if (registry != null) {
      b.meterRegistry(registry);
    }
    if (monitor != null) {
      b.portMonitor(monitor);
    }
    return b.build();
  }

  /**
   * A port monitor configured by {@code mooring.http.port-monitor.*}, not started.
   *
   * @throws InvalidMooringPropertyException naming the property out of range
   */
  public static PortMonitor portMonitor(MooringHttpProperties.PortMonitorProperties properties) {
    return validated(
        "port-monitor.",
        () ->
            PortMonitor.builder()
                .scanInterval(properties.getScanInterval())
                .warnThreshold(properties.getWarnThreshold())
                .highWaterMark(properties.getHighWaterMark())
                .build());
  }

  private static PoolSettings poolSettings(MooringHttpProperties p, Environment environment) {
    String name = p.getName();
    if (name == null) {
      name = environment.getProperty("spring.application.name", DEFAULT_NAME);
    }
    return PoolSettings.builder()
        .name(name)
        .maxConnectionsPerDestination(p.getMaxConnectionsPerDestination())
        .maxConnectionsTotal(p.getMaxConnectionsTotal())
        .maxIdleTime(p.getMaxIdleTime())
        .maxLifetime(p.getMaxLifetime())
        .maxRequestsPerConnection(p.getMaxRequestsPerConnection())
        .serverIdleTimeout(p.getServerIdleTimeout())
        .closePolicy(p.getClosePolicy())
        .retirementTimeout(p.getRetirementTimeout())
        .acquireTimeout(p.getAcquireTimeout())
        .maxPendingAcquires(p.getMaxPendingAcquires())
        .build();
  }

  private static Duration connectTimeout(MooringHttpProperties p, Environment environment) {
    if (p.getConnectTimeout() != null) {
      return p.getConnectTimeout();
    }
    Binder binder = Binder.get(environment);
    for (String bootProperty : BOOT_CONNECT_TIMEOUT) {
      Duration d = binder.bind(bootProperty, Duration.class).orElse(null);
      if (d != null) {
        return d;
      }
    }
    return NettySettings.defaults().connectTimeout();
  }

  /**
   * Runs a settings builder; its {@link IllegalArgumentException}, whose message starts with the
   * setting's name ("maxIdleTime is PT0S; expected ..."), or {@link NullPointerException} (a
   * property set to nothing, message the setting's name) becomes an {@link
   * InvalidMooringPropertyException} for the property of that name under {@code group}.
   */
  private static <T> T validated(String group, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      int space = message.indexOf(' ');
      String setting = space > 0 ? message.substring(0, space) : message;
      throw new InvalidMooringPropertyException(property(group, setting), message, e);
    } catch (NullPointerException e) {
      String setting = String.valueOf(e.getMessage());
      throw new InvalidMooringPropertyException(
          property(group, setting), "no value; expected one", e);
    }
  }

  /**
   * {@code mooring.http.<group><kebab-case setting>}, for example max-idle-time for maxIdleTime.
   */
  static String property(String group, String setting) {
    StringBuilder kebab = new StringBuilder(MooringHttpProperties.PREFIX).append('.').append(group);
    for (int i = 0; i < setting.length(); i++) {
      char c = setting.charAt(i);
      if (Character.isUpperCase(c)) {
        kebab.append('-').append(Character.toLowerCase(c));
      } else {
        kebab.append(c);
      }
    }
    return kebab.toString().toLowerCase(Locale.ROOT);
  }
}
