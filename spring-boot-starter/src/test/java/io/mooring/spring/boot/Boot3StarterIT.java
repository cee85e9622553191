package io.mooring.spring.boot;

import io.mooring.spring.boot.internal.Boot3PortHealthIndicator;
import io.mooring.spring.boot.testing.StarterContract;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestTemplate;

/** The starter's contract on Spring Boot 3.5, which resolves Netty 4.1. */
class Boot3StarterIT extends StarterContract {
  @Override
  protected String expectedNettyLine() {
    return "4.1.";
  }

  @Override
  protected RestTemplate restTemplate(ConfigurableApplicationContext context) {
    return context.getBean(RestTemplateBuilder.class).build();
  }

  @Override
  protected String bootReadTimeoutProperty() {
    return "spring.http.client.read-timeout";
  }

  @Override
  protected String bootRedirectsProperty() {
    return "spring.http.client.redirects";
  }

  @Override
  protected Map<String, Object> mooringHealth(ConfigurableApplicationContext context) {
    Health h = context.getBean(Boot3PortHealthIndicator.class).health();
    Map<String, Object> m = new LinkedHashMap<>(h.getDetails());
    m.put("status", h.getStatus().getCode());
    return m;
  }
}
