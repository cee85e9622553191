package io.mooring.spring.boot.internal;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code mooring} health indicator on Spring Boot 4, whose health API moved to {@code
 * org.springframework.boot.health.contributor} ({@link PortHealth}). Thread safe.
 */
public final class Boot4PortHealthIndicator implements HealthIndicator {
  private final PortHealth health;

  /** An indicator reporting {@code health}. */
  public Boot4PortHealthIndicator(PortHealth health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  @Override
  public Health health() {
    PortHealth.Report r = health.report();
    return Health.status(new Status(r.status())).withDetails(r.details()).build();
  }
}
