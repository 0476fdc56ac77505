package io.peregrine.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final List<String> events = new ArrayList<>();
  private final Lifecycle lifecycle = new Lifecycle("test");

  /** Records start and close in {@link #events}; optionally fails. */
  private final class Fake implements Component {
    private final String name;
    private final Exception startFailure;
    private final RuntimeException closeFailure;

    Fake(String name, Exception startFailure, RuntimeException closeFailure) {
      this.name = name;
      this.startFailure = startFailure;
      this.closeFailure = closeFailure;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start() throws Exception {
      events.add("start " + name);
      if (startFailure != null) {
        throw startFailure;
      }
    }

    @Override
    public void close() {
      events.add("close " + name);
      if (closeFailure != null) {
        throw closeFailure;
      }
    }
  }

  private Fake fake(String name) {
    return lifecycle.add(new Fake(name, null, null));
  }

  @Test
  void startsInTheOrderAddedAndClosesInReverse() throws Exception {
    fake("store");
    fake("queue");
    fake("grpc");
    lifecycle.start();
    assertThat(events).containsExactly("start store", "start queue", "start grpc");
    lifecycle.close();
    assertThat(events).containsExactly("start store", "start queue", "start grpc",
        "close grpc", "close queue", "close store");
  }

  @Test
  void addReturnsTheComponent() {
    Fake f = new Fake("x", null, null);
    assertThat(lifecycle.add(f)).isSameAs(f);
  }

  @Test
  void failingStartClosesWhatStartedAndRethrows() {
    IllegalStateException boom = new IllegalStateException("port in use");
    fake("store");
    fake("queue");
    lifecycle.add(new Fake("grpc", boom, null));
    fake("http");
    assertThatThrownBy(lifecycle::start).isSameAs(boom);
    assertThat(events).startsWith("start store", "start queue", "start grpc")
        .doesNotContain("start http", "close http")
        .endsWith("close queue", "close store");
  }

  @Test
  void failingStartAlsoClosesTheComponentThatFailedHalfway() {
    // a component may have bound a port or made a pool before failing; close() is safe either way
    lifecycle.add(new Fake("grpc", new java.io.IOException("bind failed"), null));
    assertThatThrownBy(lifecycle::start).hasMessage("bind failed");
    assertThat(events).containsExactly("start grpc", "close grpc");
  }

  @Test
  void closeIsIdempotent() throws Exception {
    fake("a");
    fake("b");
    lifecycle.start();
    lifecycle.close();
    lifecycle.close();
    assertThat(events).containsExactly("start a", "start b", "close b", "close a");
  }

  @Test
  void closeBeforeStartClosesNothing() {
    fake("a");
    assertThatCode(lifecycle::close).doesNotThrowAnyException();
    assertThat(events).isEmpty();
  }

  @Test
  void aComponentThatFailsToCloseDoesNotStopTheOthersClosing() throws Exception {
    fake("a");
    lifecycle.add(new Fake("b", null, new IllegalStateException("stuck")));
    fake("c");
    lifecycle.start();
    assertThatCode(lifecycle::close).doesNotThrowAnyException();
    assertThat(events).endsWith("close c", "close b", "close a");
  }

  @Test
  void startsOneComponentNowAndClosesItWithTheRest() throws Exception {
    fake("store");
    lifecycle.start();
    Fake late = lifecycle.start(new Fake("http", null, null));
    assertThat(late.name()).isEqualTo("http");
    lifecycle.close();
    assertThat(events).containsExactly("start store", "start http", "close http", "close store");
  }

  @Test
  void closeDuringStartStopsTheRestAndClosesWhatStarted() {
    // a shutdown hook may run while the launcher is still starting components
    fake("store");
    lifecycle.add(new Component() {
      @Override
      public String name() {
        return "hook";
      }

      @Override
      public void start() {
        events.add("start hook");
        lifecycle.close();
      }

      @Override
      public void close() {
        events.add("close hook");
      }
    });
    fake("grpc");
    assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(events).containsExactly("start store", "start hook", "close store", "close hook");
  }

  @Test
  void refusesToStartAfterClose() {
    fake("a");
    lifecycle.close();
    assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
    assertThat(events).isEmpty();
  }
}
