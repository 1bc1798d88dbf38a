package io.prmonitor.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackHostTest {

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"})
  void matches_namesOfThisMachine(String host) {
    assertThat(LoopbackHost.matches(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1.nip.io", "localhost.example.com", "0.0.0.0", "10.0.0.1", "[::ffff:7f00:1]",
      "github.example.com", "128.0.0.1", ""})
  void matches_notOtherHosts_evenIfTheyResolveToLoopback(String host) {
    assertThat(LoopbackHost.matches(host)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void matches_null_isNotLoopback() {
    assertThat(LoopbackHost.matches(null)).isFalse();
  }
}
