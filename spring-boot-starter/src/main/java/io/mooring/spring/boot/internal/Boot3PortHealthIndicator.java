package io.mooring.spring.boot.internal;

import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** The {@code mooring} health indicator on Spring Boot 3 ({@link PortHealth}). Thread safe. */
public final class Boot3PortHealthIndicator implements HealthIndicator {
  private final PortHealth health;

  /** An indicator reporting {@code health}. */
  public Boot3PortHealthIndicator(PortHealth health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  @Override
  public Health health() {
    PortHealth.Report r = health.report();
    return Health.status(new Status(r.status())).withDetails(r.details()).build();
  }
}
