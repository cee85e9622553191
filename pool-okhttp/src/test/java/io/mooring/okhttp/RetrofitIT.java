package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import retrofit2.Call;
import retrofit2.Callback;
import retrofit2.HttpException;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Streaming;

/**
 * Retrofit's own features on {@link MooringCallFactory}, unchanged: redirects, error statuses,
 * {@code CompletableFuture} results, a {@code @Streaming} download, {@code enqueue}, {@code
 * cancel}, the call timeout, an application interceptor, and TLS with hostname verification; once
 * per {@link IoMode}.
 */
@EachIoMode
class RetrofitIT {
  @Parameter IoMode io;

  private static final int DOWNLOAD = 8 * 1024 * 1024;
  private static final int CHUNK = 64 * 1024;

  @TempDir Path dir;
  private JdkServer server;
  private MooringHttpClient client;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** What Retrofit users write. */
  interface Api {
    @GET("hello")
    Call<String> hello();

    @GET("redirect")
    Call<String> redirect();

    @GET("status/{code}")
    Call<String> status(@retrofit2.http.Path("code") int code);

    @GET("status/{code}")
    CompletableFuture<String> statusFuture(@retrofit2.http.Path("code") int code);

    @Streaming
    @GET("download")
    Call<ResponseBody> download();

    @GET("stall")
    Call<String> stall();

    @POST("inspect")
    Call<String> inspect(@Body String body);
  }

  @BeforeEach
  void start() throws IOException {
    server = new JdkServer();
    server.handle(
        "/redirect",
        ex -> {
          ex.getResponseHeaders().add("Location", "/hello");
          JdkServer.respond(ex, 302, "moved");
        });
    server.handle(
        "/download",
        ex -> {
          ex.sendResponseHeaders(200, DOWNLOAD);
          byte[] chunk = new byte[CHUNK];
          try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < DOWNLOAD / chunk.length; i++) {
              chunk[0] = (byte) i;
              out.write(chunk);
            }
          }
        });
    server.handle(
        "/stall",
        ex -> {
          stalled.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          JdkServer.respond(ex, 200, "late");
        });
    server.handle(
        "/inspect",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          JdkServer.respond(
              ex,
              200,
              ex.getRequestHeaders().getFirst("X-Token")
                  + " "
                  + ex.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        });
    client =
        MooringHttpClient.newBuilder().io(io).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
    server.close();
  }

  private Api api(MooringCallFactory factory, String base) {
    return new Retrofit.Builder()
        .baseUrl(base)
        .callFactory(factory)
        .addConverterFactory(ScalarsConverterFactory.create())
        .build()
        .create(Api.class);
  }

  private Api api() {
    return api(MooringCallFactory.create(client), server.uri("/").toString());
  }

  @Test
  void redirectsAndErrorStatuses() throws Exception {
    Response<String> moved = api().redirect().execute();
    assertThat(moved.body()).isEqualTo("hello");
    assertThat(moved.raw().request().url().encodedPath()).isEqualTo("/hello");
    assertThat(moved.raw().priorResponse().code()).isEqualTo(302);

    Response<String> missing = api().status(404).execute();
    assertThat(missing.isSuccessful()).isFalse();
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.errorBody().string()).isEqualTo("status 404");

    assertThatThrownBy(() -> api().statusFuture(503).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HttpException.class)
        .satisfies(e -> assertThat(((HttpException) e).code()).isEqualTo(503));
    assertThat(api().statusFuture(200).get(10, TimeUnit.SECONDS)).isEqualTo("status 200");
  }

  @Test
  void aStreamingDownloadIsReadFromTheConnection() throws IOException {
    Response<ResponseBody> r = api().download().execute();
    try (ResponseBody body = r.body();
        InputStream in = body.byteStream()) {
      assertThat(body.contentLength()).isEqualTo(DOWNLOAD);
      byte[] buf = new byte[8192];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; total += n) {
        // Each 64 KiB chunk the server wrote starts with its index.
        for (long p = (total + CHUNK - 1) / CHUNK * CHUNK; p < total + n; p += CHUNK) {
          assertThat(buf[(int) (p - total)]).isEqualTo((byte) (p / CHUNK));
        }
      }
      assertThat(total).isEqualTo(DOWNLOAD);
    }
  }

  @Test
  void enqueueCancelAndTimeout() throws Exception {
    CompletableFuture<String> answered = new CompletableFuture<>();
    api().hello().enqueue(callback(answered));
    assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo("hello");

    Call<String> call = api().stall();
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    call.enqueue(callback(cancelled));
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel();
    assertThat(call.isCanceled()).isTrue();
    assertThatThrownBy(() -> cancelled.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("Canceled");

    Call<String> timed = api().stall();
    timed.timeout().timeout(200, TimeUnit.MILLISECONDS);
    assertThatThrownBy(timed::execute)
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("timeout");
  }

  @Test
  void anApplicationInterceptorAddsAHeader() throws IOException {
    MooringCallFactory factory =
        MooringCallFactory.builder(client)
            .addInterceptor(
                chain ->
                    chain.proceed(chain.request().newBuilder().header("X-Token", "t-1").build()))
            .build();
    Response<String> r = api(factory, server.uri("/").toString()).inspect("payload").execute();
    assertThat(r.body()).isEqualTo("t-1 text/plain; charset=UTF-8 payload");
  }

  @Test
  void tlsWithHostnameVerification() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    https.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
    https.createContext("/hello", ex -> JdkServer.respond(ex, 200, "secure hello"));
    https.start();
    try (MooringHttpClient tls =
        MooringHttpClient.newBuilder().io(io).sslContext(certs.clientContext()).build()) {
      int port = https.getAddress().getPort();
      MooringCallFactory factory = MooringCallFactory.create(tls);
      Response<String> r = api(factory, "https://localhost:" + port + "/").hello().execute();
      assertThat(r.body()).isEqualTo("secure hello");
      assertThat(r.raw().handshake()).isNotNull();
      assertThat(r.raw().handshake().tlsVersion().javaName()).startsWith("TLS");
      // The certificate names localhost only: by address, hostname verification refuses it.
      assertThatThrownBy(() -> api(factory, "https://127.0.0.1:" + port + "/").hello().execute())
          .isInstanceOf(SSLHandshakeException.class);
    } finally {
      https.stop(0);
    }
  }

  private static Callback<String> callback(CompletableFuture<String> result) {
    return new Callback<>() {
      @Override
      public void onResponse(Call<String> call, Response<String> response) {
        result.complete(response.body());
      }

      @Override
      public void onFailure(Call<String> call, Throwable t) {
        result.completeExceptionally(t);
      }
    };
  }
}
