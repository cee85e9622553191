package io.mooring.spring.boot.boot4;

import io.mooring.spring.boot.internal.Boot4PortHealthIndicator;
import io.mooring.spring.boot.testing.StarterContract;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestTemplate;

/**
 * The starter's contract on Spring Boot 4.0, whose HTTP client auto-configuration lives in its own
 * modules (spring-boot-restclient, spring-boot-webclient) and which resolves Netty 4.2.
 */
class Boot4StarterIT extends StarterContract {
  @Override
  protected String expectedNettyLine() {
    return "4.2.";
  }

  @Override
  protected RestTemplate restTemplate(ConfigurableApplicationContext context) {
    return context.getBean(RestTemplateBuilder.class).build();
  }

  @Override
  protected String bootReadTimeoutProperty() {
    return "spring.http.clients.read-timeout";
  }

  @Override
  protected String bootRedirectsProperty() {
    return "spring.http.clients.redirects";
  }

  @Override
  protected Map<String, Object> mooringHealth(ConfigurableApplicationContext context) {
    Health h = context.getBean(Boot4PortHealthIndicator.class).health();
    Map<String, Object> m = new LinkedHashMap<>(h.getDetails());
    m.put("status", h.getStatus().getCode());
    return m;
  }
}
