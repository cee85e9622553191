package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResponseBodyPumpTest {
  private final AtomicInteger wantMore = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final List<Throwable> failed = new ArrayList<>();

  /** Records what a pump tells the exchange. */
  private final ResponseBodyPump.Owner owner =
      new ResponseBodyPump.Owner() {
        @Override
        public void wantMore() {
          wantMore.incrementAndGet();
        }

        @Override
        public void cancelled() {
          cancelled.incrementAndGet();
        }

        @Override
        public void subscriberFailed(Throwable cause) {
          failed.add(cause);
        }
      };

  private final ResponseBodyPump pump = new ResponseBodyPump(Runnable::run, owner);

  /** A subscriber that requests only when told to. */
  static class Manual implements BodySubscriber<Void> {
    Flow.Subscription subscription;
    final List<Integer> items = new ArrayList<>();
    Throwable error;
    boolean complete;

    @Override
    public CompletionStage<Void> getBody() {
      return new CompletableFuture<>();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      items.add(item.get(0).remaining());
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }

  @Test
  void nothingIsDeliveredOrReadWithoutDemand() {
    Manual s = new Manual();
    pump.start(s, failed::add);
    pump.offer(ByteBuffer.allocate(3));
    pump.offer(ByteBuffer.allocate(4));
    assertThat(s.items).isEmpty();
    assertThat(pump.wantsMore()).isFalse();
    assertThat(wantMore).hasValue(0);
    s.subscription.request(1);
    assertThat(s.items).containsExactly(3);
    s.subscription.request(5);
    assertThat(s.items).containsExactly(3, 4);
    assertThat(wantMore.get()).isPositive();
    assertThat(pump.wantsMore()).isTrue();
    pump.complete();
    assertThat(s.complete).isTrue();
  }

  @Test
  void queueIsBoundedEvenWithUnboundedDemandUntilDrained() {
    for (int i = 0; i < ResponseBodyPump.MAX_QUEUED; i++) {
      pump.offer(ByteBuffer.allocate(1));
    }
    assertThat(pump.wantsMore()).isFalse(); // no subscriber yet: no demand
  }

  @Test
  void cancelTellsTheOwnerAndErrorsReachTheSubscriber() {
    Manual s = new Manual();
    pump.start(s, failed::add);
    s.subscription.cancel();
    assertThat(cancelled).hasValue(1);
    assertThat(pump.wantsMore()).isFalse();

    Manual t = new Manual();
    ResponseBodyPump other = new ResponseBodyPump(Runnable::run, owner);
    other.start(t, failed::add);
    other.offer(ByteBuffer.allocate(1));
    other.error(new java.io.IOException("boom"));
    assertThat(t.error).hasMessage("boom");
    assertThat(t.items).isEmpty();
  }

  @Test
  void nonPositiveRequestIsAnError() {
    Manual s = new Manual();
    pump.start(s, failed::add);
    s.subscription.request(0);
    assertThat(s.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
  }

  @Test
  void aSubscriberThatThrowsIsCancelledAndTheFailureReported() {
    Manual s =
        new Manual() {
          @Override
          public void onNext(List<ByteBuffer> item) {
            throw new IllegalStateException("subscriber bug");
          }
        };
    pump.start(s, failed::add);
    s.subscription.request(10);
    pump.offer(ByteBuffer.allocate(1));
    pump.offer(ByteBuffer.allocate(1));
    pump.complete();
    // once to the exchange (abort) and once to the caller's future
    assertThat(failed).hasSize(2).allMatch(t -> t.getMessage().equals("subscriber bug"));
    assertThat(s.complete).isFalse();
    assertThat(pump.wantsMore()).isFalse();
  }

  @Test
  void anExecutorThatRefusesEndsTheExchangeAndTellsTheSubscriberOnce() {
    Manual s = new Manual();
    ResponseBodyPump refusing =
        new ResponseBodyPump(
            r -> {
              throw new java.util.concurrent.RejectedExecutionException("full");
            },
            owner);
    refusing.start(s, failed::add);
    refusing.offer(ByteBuffer.allocate(1));
    refusing.complete();
    assertThat(failed).hasSize(2);
    assertThat(s.error).hasMessageContaining("executor refused").hasMessageContaining("full");
    assertThat(s.complete).isFalse();
  }
}
