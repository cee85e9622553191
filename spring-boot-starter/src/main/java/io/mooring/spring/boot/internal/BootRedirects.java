package io.mooring.spring.boot.internal;

import io.mooring.http.MooringHttpClient;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's redirect setting against the shared client. Boot applies its settings to a custom
 * request factory by reflection, which cannot change redirects, so any value but Boot's default
 * would fail the first {@code RestClient} or {@code RestTemplate} built, far from its cause; it
 * fails startup instead, pointing at {@code mooring.http.redirects}. Stateless.
 */
public final class BootRedirects {
  /** Boot 3.5's property, then Boot 4's. */
  static final List<String> PROPERTIES =
      List.of("spring.http.client.redirects", "spring.http.clients.redirects");

  private static final String BOOT_DEFAULT = "follow-when-possible";

  private BootRedirects() {}

  /**
   * Fails when Spring Boot's redirect property is set to anything but its default.
   *
   * @throws InvalidMooringPropertyException naming Boot's property and {@code
   *     mooring.http.redirects}
   */
  public static void check(Environment environment, MooringHttpClient client) {
    Binder binder = Binder.get(environment);
    for (String property : PROPERTIES) {
      String value = binder.bind(property, String.class).orElse(null);
      if (value != null
          && !BOOT_DEFAULT.equals(value.trim().toLowerCase(Locale.ROOT).replace('_', '-'))) {
        throw new InvalidMooringPropertyException(
            property,
            value
                + "; with Mooring expected "
                + BOOT_DEFAULT
                + " or unset: every RestClient and RestTemplate shares Mooring's client, whose"
                + " redirect policy is mooring.http.redirects (NEVER, NORMAL or ALWAYS; now "
                + client.followRedirects()
                + ")",
            null);
      }
    }
  }
}
