package io.mooring.benchmarks.demo;

import io.mooring.http.IoMode;
import java.util.List;

/**
 * The clients the demonstration knows, in table order. A new contender is one small class with a
 * {@code contender()} method (building on {@link ApacheClassicClient}, {@link OkHttpApiClient} or
 * {@link JavaNetHttpClient} where it speaks their API) and one line here.
 */
final class Contenders {
  static final String MOORING = "mooring";
  static final String MOORING_CALLER_THREAD = "mooring-caller-thread";
  static final String JDK = "jdk";
  static final String APACHE = "apache";
  static final String APACHE_MOORING = "apache-mooring";
  static final String OKHTTP = "okhttp";
  static final String OKHTTP_MOORING = "okhttp-mooring";
  static final String RESTCLIENT_MOORING = "restclient-mooring";
  static final String NAIVE = "urlconnection";

  private Contenders() {}

  /** Every contender, Mooring first. */
  static List<Contender> all() {
    return List.of(
        JavaNetHttpClient.mooring(IoMode.EVENT_LOOP),
        JavaNetHttpClient.mooring(IoMode.CALLER_THREAD),
        JavaNetHttpClient.jdk(),
        ApacheClassicClient.contender(),
        ApacheOnMooring.contender(),
        OkHttpApiClient.contender(),
        OkHttpOnMooring.contender(),
        SpringRestClientOnMooring.contender(),
        NaiveUrlConnectionClient.contender());
  }
}
