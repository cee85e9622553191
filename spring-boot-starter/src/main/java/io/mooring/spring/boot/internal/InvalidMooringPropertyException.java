package io.mooring.spring.boot.internal;

/**
 * A {@code mooring.http.*} (or Spring Boot) property whose value Mooring cannot run with; {@link
 * InvalidMooringPropertyFailureAnalyzer} turns it into Spring Boot's failure report. Immutable.
 */
public final class InvalidMooringPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String reason;

  /**
   * @param property the full property name, for example {@code
   *     mooring.http.max-connections-per-destination}
   * @param reason what is wrong, naming the value and the accepted range
   * @param cause the settings builder's exception, or null
   */
  public InvalidMooringPropertyException(String property, String reason, Throwable cause) {
    super("Invalid value for property " + property + ": " + reason, cause);
    this.property = property;
    this.reason = reason;
  }

  /** The full property name. */
  public String property() {
    return property;
  }

  /** What is wrong: the value and the accepted range. */
  public String reason() {
    return reason;
  }
}
