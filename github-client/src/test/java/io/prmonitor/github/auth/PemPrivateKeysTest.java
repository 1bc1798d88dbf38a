package io.prmonitor.github.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class PemPrivateKeysTest {

  private final KeyPair pair = TestKeys.pair();

  @Test
  void parse_pkcs8_givesTheKey() {
    assertThat(PemPrivateKeys.parse(TestKeys.pkcs8Pem(pair)).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  @Test
  void parse_pkcs1_givesTheSameKey() {
    assertThat(PemPrivateKeys.parse(TestKeys.pkcs1Pem(pair)).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  @Test
  void parse_notPem_isRejectedWithoutEchoingTheInput() {
    assertThatThrownBy(() -> PemPrivateKeys.parse("secret-material-xyz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not PEM")
        .hasMessageNotContaining("secret-material-xyz");
  }

  @Test
  void parse_garbageInsidePem_isRejected() {
    assertThatThrownBy(() -> PemPrivateKeys.parse(TestKeys.pem("PRIVATE KEY", new byte[] {0, 0, 0})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid RSA PKCS#8 key");
  }
}
