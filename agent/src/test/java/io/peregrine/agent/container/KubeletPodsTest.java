package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletPodsTest {
  @TempDir Path dir;
  private TestKubelet kubelet;
  private Path token;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void start() throws Exception {
    kubelet = new TestKubelet();
    kubelet.body.set(TestKubelet.fixturePods());
    token = dir.resolve("token");
    Files.writeString(token, TestKubelet.TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    kubelet.close();
  }

  private KubeletPods client() throws Exception {
    return new KubeletPods(kubelet.url(), token, KubeletPods.trusting(TestKubelet.resource("/kubelet/ca.crt")),
        Duration.ofSeconds(30), nanos::get);
  }

  @Test
  void readsThePodsWithTheTokenOverVerifiedTls() throws Exception {
    List<PodInfo> pods = client().pods(false);

    assertThat(pods).extracting(PodInfo::name)
        .containsExactly("web-7d9f8c6b5-x2kqp", "coredns-5d78c9869d-4hl8w", "kube-proxy-abcde");
    PodInfo web = pods.get(0);
    assertThat(web.namespace()).isEqualTo("shop");
    assertThat(web.uid()).isEqualTo("0c9e2f6a-1d3b-4c5e-9f70-81a2b3c4d5e6");
    assertThat(web.containers()).containsEntry("a1".repeat(32), "web");
    assertThat(web.annotations()).containsEntry("prometheus.io/port", "9102");
    assertThat(web.ports()).containsExactly(8080);
    assertThat(pods.get(1).containers()).containsEntry("b2".repeat(32), "coredns"); // cri-o:// scheme
    assertThat(pods.get(1).ports()).isEmpty(); // UDP only
    assertThat(pods.get(2).hostNetwork()).isTrue();
  }

  @Test
  void aWrongTokenIsAClearError() throws Exception {
    Files.writeString(token, "stolen");
    assertThatThrownBy(() -> client().pods(false)).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 401").hasMessageContaining("nodes/proxy");
  }

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    Path other = dir.resolve("other.crt");
    // a CA that did not sign the server's certificate: the JDK's own first trusted root would do; any PEM cert
    // other than the server's works, so re-encode nothing and use an empty trust store instead
    Files.writeString(other, "");
    assertThatThrownBy(() -> KubeletPods.trusting(other)).hasMessageContaining("no certificate");
    KubeletPods strict = new KubeletPods(kubelet.url(), token,
        javax.net.ssl.SSLContext.getDefault(), Duration.ofSeconds(30), nanos::get);
    assertThatThrownBy(() -> strict.pods(false)).isInstanceOf(IOException.class);
    assertThat(new KubeletPods(kubelet.url(), token, KubeletPods.trustingAny(), Duration.ofSeconds(30), nanos::get)
        .pods(false)).hasSize(3);
  }

  @Test
  void cachesForTheTtlAndRefreshesEarlyOnAMissAtMostEveryTenSeconds() throws Exception {
    KubeletPods pods = client();
    pods.pods(false);
    pods.pods(false);
    pods.pods(true); // a miss right after a refresh: too soon
    assertThat(kubelet.requests).hasValue(1);

    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    pods.pods(false);
    assertThat(kubelet.requests).hasValue(1);
    pods.pods(true);
    assertThat(kubelet.requests).hasValue(2);

    nanos.addAndGet(Duration.ofSeconds(30).toNanos());
    pods.pods(false);
    assertThat(kubelet.requests).hasValue(3);
  }

  @Test
  void aFailedRefreshKeepsTheLastAnswerAndSaysWhy() throws Exception {
    KubeletPods pods = client();
    assertThat(pods.pods(false)).hasSize(3);
    kubelet.body.set("not json");
    nanos.addAndGet(Duration.ofSeconds(31).toNanos());

    assertThat(pods.pods(false)).hasSize(3);
    assertThat(pods.lastError()).isNotEmpty();
  }
}
