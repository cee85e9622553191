package io.mooring.http.testing;

import io.mooring.http.MooringHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The keep-alive race, on a real clock against a real server whose idle timeout is 1 s: each round
 * sends a batch of requests at once (leaving that many idle connections), then waits for a time
 * spread around the server's idle timeout, so that the next batch goes out as the server closes.
 */
public final class Race {
  /** What happened: GETs that failed, POSTs that failed (with an IOException), POST ids sent. */
  public record Outcome(
      int getFailures,
      int posts,
      int postIOExceptions,
      List<Throwable> other,
      List<String> postIds) {}

  private Race() {}

  /** Runs {@code rounds} rounds of {@code gets} GETs plus {@code posts} one-shot-body POSTs. */
  public static Outcome run(
      MooringHttpClient client,
      Function<String, URI> uri,
      int rounds,
      int gets,
      int posts,
      long idleMillis)
      throws InterruptedException {
    AtomicInteger getFailures = new AtomicInteger();
    AtomicInteger postIo = new AtomicInteger();
    List<Throwable> other = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      List<CompletableFuture<?>> batch = new ArrayList<>();
      for (int i = 0; i < gets; i++) {
        batch.add(
            client
                .sendAsync(
                    HttpRequest.newBuilder(uri.apply("/hello")).build(), BodyHandlers.ofString())
                .whenComplete(
                    (r, e) -> {
                      if (e != null || r.statusCode() != 200) {
                        getFailures.incrementAndGet();
                        if (e != null) {
                          other.add(e);
                        }
                      }
                    }));
      }
      for (int i = 0; i < posts; i++) {
        String id = "post-" + round + "-" + i;
        ids.add(id);
        byte[] body = id.getBytes(StandardCharsets.UTF_8);
        batch.add(
            client
                .sendAsync(
                    HttpRequest.newBuilder(uri.apply("/post"))
                        .header("X-Id", id)
                        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                    BodyHandlers.ofString())
                .handle(
                    (HttpResponse<String> r, Throwable e) -> {
                      Throwable c = e instanceof CompletionException ? e.getCause() : e;
                      if (c instanceof IOException) {
                        postIo.incrementAndGet();
                      } else if (c != null) {
                        other.add(c);
                      }
                      return null;
                    }));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      // Wait for the server's idle timeout, give or take 80 ms, so the next batch races its close.
      Thread.sleep(idleMillis - 80 + ThreadLocalRandom.current().nextLong(160));
    }
    return new Outcome(getFailures.get(), posts * rounds, postIo.get(), other, ids);
  }
}
