package io.mooring.spring.boot.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot's startup failure report for a property Mooring cannot run with: the property, its
 * value and the accepted range. Registered in {@code META-INF/spring.factories}; stateless.
 */
public final class InvalidMooringPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidMooringPropertyException> {

  /** Instantiated by Spring Boot. */
  public InvalidMooringPropertyFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidMooringPropertyException cause) {
    return new FailureAnalysis(
        "Invalid value for property '" + cause.property() + "': " + cause.reason() + ".",
        "Set '" + cause.property() + "' to a value in the accepted range, or remove it.",
        cause);
  }
}
