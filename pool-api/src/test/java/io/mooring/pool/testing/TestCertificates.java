package io.mooring.pool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code CN=localhost} (SAN {@code DNS:localhost} only), made at test
 * time with the JDK's own {@code keytool}: no BouncyCastle, nothing checked in, valid for 2 days.
 * Shared by every module's TLS tests through pool-api's test jar.
 */
public final class TestCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final KeyStore keyStore;

  private TestCertificates(KeyStore keyStore) {
    this.keyStore = keyStore;
  }

  /** Generates the key pair and certificate into {@code dir}. */
  public static TestCertificates generate(Path dir) throws IOException, GeneralSecurityException {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    new String(PASSWORD),
                    "-keypass",
                    new String(PASSWORD)))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running keytool", e);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    return new TestCertificates(ks);
  }

  /** The server's key and certificate, for any TLS stack. */
  public KeyManagerFactory keyManager() throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    return kmf;
  }

  /** A JDK server context presenting the certificate. */
  public SSLContext serverContext() throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManager().getKeyManagers(), null, null);
    return ctx;
  }

  /** A client context trusting only the certificate. */
  public SSLContext clientContext() throws GeneralSecurityException, IOException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, trust().getTrustManagers(), null);
    return ctx;
  }

  /**
   * Writes the certificate and its private key as PEM files ({@code cert.pem}, {@code key.pem})
   * into {@code dir}, for servers such as nginx; returns the two paths in that order.
   */
  public Path[] writePem(Path dir) throws GeneralSecurityException, IOException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, pem("CERTIFICATE", keyStore.getCertificate("server").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", keyStore.getKey("server", PASSWORD).getEncoded()));
    return new Path[] {cert, key};
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** A trust store holding only the certificate: the test's trust anchor. */
  public TrustManagerFactory trust() throws GeneralSecurityException, IOException {
    Certificate cert = keyStore.getCertificate("server");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("localhost", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }
}
