package io.peregrine.hbs.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.hbs.store.HostRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceBoundaryTest {
  private static HostRow host(long begin, long end) {
    return new HostRow(1, "h", "", "", "", begin, end, 0);
  }

  @Test
  void theNextStartOrTheSecondAfterAnEnd() {
    assertThat(MaintenanceBoundary.next(List.of(host(100, 200)), 50)).isEqualTo(100);
    assertThat(MaintenanceBoundary.next(List.of(host(100, 200)), 100)).isEqualTo(201);
    assertThat(MaintenanceBoundary.next(List.of(host(100, 200)), 200)).isEqualTo(201);
    assertThat(MaintenanceBoundary.next(List.of(host(100, 200)), 201)).isEqualTo(MaintenanceBoundary.NONE);
    assertThat(MaintenanceBoundary.next(List.of(host(100, 200), host(150, 160)), 120)).isEqualTo(150);
  }

  @Test
  void noWindowOrOneThatNeverOpensHasNoBoundary() {
    assertThat(MaintenanceBoundary.next(List.of(host(0, 0)), 50)).isEqualTo(MaintenanceBoundary.NONE);
    assertThat(MaintenanceBoundary.next(List.of(host(300, 200)), 50)).isEqualTo(MaintenanceBoundary.NONE);
    assertThat(MaintenanceBoundary.next(List.of(), 50)).isEqualTo(MaintenanceBoundary.NONE);
  }
}
