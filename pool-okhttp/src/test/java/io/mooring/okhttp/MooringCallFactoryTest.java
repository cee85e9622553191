package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.MooringHttpClient;
import io.mooring.okhttp.internal.MooringCall;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dns;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The factory's settings and the call's contract where no socket is needed. */
class MooringCallFactoryTest {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "user-executor"));
  private final MooringHttpClient client =
      MooringHttpClient.newBuilder().executor(executor).build();
  private final Request request = new Request.Builder().url("http://127.0.0.1:9/x").build();

  @AfterEach
  void close() {
    client.close();
    executor.shutdownNow();
  }

  /** An interceptor that answers without sending anything. */
  private static Response answer(Interceptor.Chain chain, String body) {
    return new Response.Builder()
        .request(chain.request())
        .protocol(Protocol.HTTP_1_1)
        .code(200)
        .message("OK")
        .body(ResponseBody.create(body, null))
        .build();
  }

  @Test
  void theCallTimeoutIsValidatedWhenSet() {
    MooringCallFactory.Builder b = MooringCallFactory.builder(client);
    assertThatThrownBy(() -> b.callTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout is PT-0.001S");
    assertThatThrownBy(() -> b.callTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 0..2147483647 ms");
    MooringCallFactory f = b.callTimeout(Duration.ofSeconds(3)).build();
    assertThat(f.callTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(f.newCall(request).timeout().timeoutNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
    assertThat(f.client()).isSameAs(client);
  }

  @Test
  void enqueuedCallsRunOnTheClientsExecutor() throws Exception {
    MooringCallFactory f =
        MooringCallFactory.builder(client)
            .addInterceptor(chain -> answer(chain, "made up"))
            .build();
    CompletableFuture<String> thread = new CompletableFuture<>();
    f.newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onResponse(Call call, Response response) throws IOException {
                thread.complete(Thread.currentThread().getName() + " " + response.body().string());
              }

              @Override
              public void onFailure(Call call, IOException e) {
                thread.completeExceptionally(e);
              }
            });
    assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("user-executor made up");
  }

  @Test
  void interceptorsRunInOrderAndMayAnswerThemselves() throws IOException {
    StringBuilder order = new StringBuilder();
    MooringCallFactory f =
        MooringCallFactory.builder(client)
            .addInterceptor(
                chain -> {
                  order.append("a");
                  return chain.proceed(chain.request().newBuilder().header("X-A", "1").build());
                })
            .addInterceptor(
                chain -> {
                  order.append("b");
                  assertThat(chain.request().header("X-A")).isEqualTo("1");
                  return answer(chain, "from b");
                })
            .build();
    assertThat(f.interceptors()).hasSize(2);
    try (Response r = f.newCall(request).execute()) {
      assertThat(r.body().string()).isEqualTo("from b");
    }
    assertThat(order).hasToString("ab");
  }

  @Test
  void chainSettingsThatCannotApplyAreRefusedNotIgnored() throws IOException {
    MooringCallFactory f =
        MooringCallFactory.builder(client)
            .addInterceptor(
                chain -> {
                  assertThat(chain.connection()).isNull();
                  assertThat(chain.readTimeoutMillis()).isZero();
                  assertThat(chain.withReadTimeout(5, TimeUnit.SECONDS)).isSameAs(chain);
                  // OkHttp 5's Chain.withDns, called as OkHttp 5 code would (this compiles on
                  // 4.12).
                  assertThatThrownBy(() -> okHttp5(chain, "withDns", Dns.class, Dns.SYSTEM))
                      .isInstanceOf(UnsupportedOperationException.class)
                      .hasMessageContaining("Dns cannot apply");
                  return answer(chain, "ok");
                })
            .build();
    try (Response r = f.newCall(request).execute()) {
      assertThat(r.body().string()).isEqualTo("ok");
    }
  }

  private static Object okHttp5(Object target, String name, Class<?> type, Object arg)
      throws Throwable {
    Method m = target.getClass().getMethod(name, type);
    m.setAccessible(true);
    try {
      return m.invoke(target, arg);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aCallRunsOnceAndCallTagsFallBackToRequestTags() throws IOException {
    Request tagged = request.newBuilder().tag(String.class, "request tag").build();
    MooringCallFactory f =
        MooringCallFactory.builder(client).addInterceptor(chain -> answer(chain, "")).build();
    MooringCall call = (MooringCall) f.newCall(tagged);
    assertThat(call.tag(String.class)).isEqualTo("request tag");
    assertThat(call.tag(Integer.class, () -> 7)).isEqualTo(7);
    assertThat(call.tag(Integer.class)).isEqualTo(7);
    call.execute().close();
    assertThatThrownBy(call::execute)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already Executed");
    assertThat(call.clone().isExecuted()).isFalse();
    assertThatThrownBy(() -> call.addEventListener(okhttp3.EventListener.NONE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aClosedClientFailsCallsWithAnIOException() {
    client.close();
    assertThatThrownBy(() -> MooringCallFactory.create(client).newCall(request).execute())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed; cannot send GET");
  }
}
