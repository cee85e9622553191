package io.mooring.pool.socket;

import io.mooring.pool.internal.SettingRanges;
import java.time.Duration;
import java.util.Objects;

/**
 * Socket options for {@link WatchedSocket#connect()}. Immutable and thread safe; build with {@link
 * #builder()}, which validates every setting.
 */
public final class SocketSettings {
  private static final SocketSettings DEFAULTS = builder().build();

  private final Duration connectTimeout;
  private final boolean tcpNoDelay;
  private final boolean soKeepAlive;
  private final int receiveBufferSize;
  private final int sendBufferSize;

  private SocketSettings(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.tcpNoDelay = b.tcpNoDelay;
    this.soKeepAlive = b.soKeepAlive;
    this.receiveBufferSize = b.receiveBufferSize;
    this.sendBufferSize = b.sendBufferSize;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: see each getter. */
  public static SocketSettings defaults() {
    return DEFAULTS;
  }

  /** How long one connect attempt (per resolved address) may take. Default 10 s. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** TCP_NODELAY. Default {@code true}. */
  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  /** SO_KEEPALIVE. Default {@code false}. */
  public boolean soKeepAlive() {
    return soKeepAlive;
  }

  /** SO_RCVBUF in bytes; 0 (default) leaves the kernel's default. */
  public int receiveBufferSize() {
    return receiveBufferSize;
  }

  /** SO_SNDBUF in bytes; 0 (default) leaves the kernel's default. */
  public int sendBufferSize() {
    return sendBufferSize;
  }

  @Override
  public String toString() {
    return "SocketSettings{connectTimeout="
        + connectTimeout
        + ", tcpNoDelay="
        + tcpNoDelay
        + ", soKeepAlive="
        + soKeepAlive
        + ", receiveBufferSize="
        + receiveBufferSize
        + ", sendBufferSize="
        + sendBufferSize
        + '}';
  }

  /** Mutable, not thread safe; {@link #build()} validates and returns immutable settings. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private boolean tcpNoDelay = true;
    private boolean soKeepAlive;
    private int receiveBufferSize;
    private int sendBufferSize;

    private Builder() {}

    /** See {@link SocketSettings#connectTimeout()}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    /** See {@link SocketSettings#tcpNoDelay()}. */
    public Builder tcpNoDelay(boolean on) {
      this.tcpNoDelay = on;
      return this;
    }

    /** See {@link SocketSettings#soKeepAlive()}. */
    public Builder soKeepAlive(boolean on) {
      this.soKeepAlive = on;
      return this;
    }

    /** See {@link SocketSettings#receiveBufferSize()}. */
    public Builder receiveBufferSize(int bytes) {
      this.receiveBufferSize = bytes;
      return this;
    }

    /** See {@link SocketSettings#sendBufferSize()}. */
    public Builder sendBufferSize(int bytes) {
      this.sendBufferSize = bytes;
      return this;
    }

    /**
     * Validates and returns the settings.
     *
     * @throws IllegalArgumentException naming the first setting out of range, its value and the
     *     range
     */
    public SocketSettings build() {
      SettingRanges.positive("connectTimeout", connectTimeout, Duration.ofMinutes(10));
      bufferSize("receiveBufferSize", receiveBufferSize);
      bufferSize("sendBufferSize", sendBufferSize);
      return new SocketSettings(this);
    }

    private static void bufferSize(String setting, int value) {
      if (value < 0 || value > 64 * 1024 * 1024) {
        throw new IllegalArgumentException(
            setting + " is " + value + "; expected 0 (kernel default) .. 67108864 bytes");
      }
    }
  }
}
