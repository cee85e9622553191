package io.mooring.spring.boot.internal;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * Makes Spring's {@link JdkClientHttpRequestFactory} over the one {@link MooringHttpClient}, for
 * Spring Boot's {@code ClientHttpRequestFactoryBuilder}: every {@code RestClient} and {@code
 * RestTemplate} built from Boot's builders shares the client's pool. Thread safe.
 *
 * <p>Spring Boot applies its settings to each factory by calling {@code setReadTimeout} and {@code
 * setConnectTimeout} (by reflection, from {@code ClientHttpRequestFactoryBuilder.of}). The read
 * timeout becomes each request's timeout. The connect timeout belongs to the shared pool, whose
 * connections serve every factory: a different value asked for one factory is logged once and the
 * pool's applies (set {@code mooring.http.connect-timeout}, or Boot's connect timeout property,
 * which the pool takes when Mooring's is not set). Never is a client of its own built around the
 * pool.
 */
public final class MooringRequestFactories {
  private static final System.Logger LOG =
      System.getLogger(MooringRequestFactories.class.getName());

  private final MooringHttpClient client;
  private final Set<Duration> warned = ConcurrentHashMap.newKeySet();

  /** Factories over {@code client}, which the caller owns. */
  public MooringRequestFactories(MooringHttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A new factory over the client; Spring Boot then applies its timeouts to it. */
  public Factory create() {
    return new Factory(this);
  }

  private void connectTimeoutAsked(Duration asked) {
    Duration pool = client.connectTimeout().orElse(null);
    if (!asked.equals(pool) && warned.add(asked)) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "A RestClient/RestTemplate asked for connect timeout "
                  + asked
                  + ", but its connections come from Mooring's shared pool, which connects with "
                  + pool
                  + ". Set mooring.http.connect-timeout to change the pool's.");
    }
  }

  /**
   * A {@link JdkClientHttpRequestFactory} on the shared client that also accepts Spring Boot's
   * connect timeout. Not thread safe while being configured, as Spring's factories.
   */
  public static final class Factory extends JdkClientHttpRequestFactory {
    private final MooringRequestFactories owner;

    private Factory(MooringRequestFactories owner) {
      super(
          owner.client.io() == IoMode.CALLER_THREAD
              ? new SendOnCallerThread(owner.client)
              : owner.client);
      this.owner = owner;
    }

    /**
     * Called by Spring Boot with its connect timeout: the pool's connect timeout applies to every
     * connection, so a different value is logged once per value (see the class comment).
     */
    public void setConnectTimeout(Duration connectTimeout) {
      owner.connectTimeoutAsked(Objects.requireNonNull(connectTimeout, "connectTimeout"));
    }
  }
}
