package io.mooring.benchmarks.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The command line: which clients and phases, how much work, where the report goes, and whether to
 * run in a network namespace. Immutable.
 */
record DemoOptions(
    List<String> clients,
    List<String> phases,
    double scale,
    Path report,
    boolean netns,
    boolean insideNetns) {

  static final String USAGE =
      "usage: java -jar mooring-demo.jar [--clients "
          + "mooring,mooring-caller-thread,jdk,apache,apache-mooring,okhttp,urlconnection] [--phases steady,burst,race,restart,shutdown"
          + " (or 1-5)] [--scale F | --requests N] [--report FILE] [--netns]";

  /** Parses {@code args}; throws {@link IllegalArgumentException} naming a bad flag or value. */
  static DemoOptions parse(String[] args, List<String> clientKeys, List<String> phaseKeys) {
    List<String> clients = clientKeys;
    List<String> phases = phaseKeys;
    double scale = 1;
    Path report = Path.of("mooring-demo-report.html");
    boolean netns = false;
    boolean inside = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--clients" -> clients = keys(flag, value(args, ++i, flag), clientKeys, k -> k);
        case "--phases" ->
            phases = keys(flag, value(args, ++i, flag), phaseKeys, phaseByNumber(phaseKeys));
        case "--scale" -> scale = positive(flag, Double.parseDouble(value(args, ++i, flag)));
        case "--requests" ->
            scale =
                positive(flag, Integer.parseInt(value(args, ++i, flag)))
                    / (double) SteadyPhase.BASE_REQUESTS;
        case "--report" -> report = Path.of(value(args, ++i, flag));
        case "--netns" -> netns = true;
        case "--inside-netns" -> inside = true;
        default -> throw new IllegalArgumentException("unknown argument " + flag + "; " + USAGE);
      }
    }
    return new DemoOptions(clients, phases, scale, report.toAbsolutePath(), netns, inside);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
    }
    return args[i];
  }

  private static double positive(String flag, double n) {
    if (!(n > 0)) {
      throw new IllegalArgumentException(flag + " is " + n + "; expected more than 0");
    }
    return n;
  }

  private static Function<String, String> phaseByNumber(List<String> keys) {
    return k ->
        k.matches("\\d+") && Integer.parseInt(k) >= 1 && Integer.parseInt(k) <= keys.size()
            ? keys.get(Integer.parseInt(k) - 1)
            : k;
  }

  /** The known keys named in a comma list, in their canonical order. */
  private static List<String> keys(
      String flag, String list, List<String> known, Function<String, String> canonical) {
    Set<String> named =
        Arrays.stream(list.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(canonical)
            .collect(Collectors.toSet());
    List<String> unknown = new ArrayList<>(named);
    unknown.removeAll(known);
    if (!unknown.isEmpty() || named.isEmpty()) {
      throw new IllegalArgumentException(
          flag + " " + list + ": unknown " + unknown + "; expected some of " + known);
    }
    return known.stream().filter(named::contains).toList();
  }
}
