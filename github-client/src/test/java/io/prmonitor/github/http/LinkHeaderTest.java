package io.prmonitor.github.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LinkHeaderTest {

  @Test
  void parse_githubFormat_givesNextExactlyAndLastPage() {
    LinkHeader links = LinkHeader.parse(
        "<https://api.github.com/repos/o/r/pulls?state=all&sort=updated&direction=desc&per_page=100&page=2>; "
            + "rel=\"next\", <https://api.github.com/repos/o/r/pulls?state=all&sort=updated&direction=desc"
            + "&per_page=100&page=17>; rel=\"last\"");

    assertThat(links.next()).isEqualTo(URI.create(
        "https://api.github.com/repos/o/r/pulls?state=all&sort=updated&direction=desc&per_page=100&page=2"));
    assertThat(links.lastPage()).isEqualTo(17);
  }

  @Test
  void parse_repositoriesIdStyle_keepsThatUrl() {
    LinkHeader links = LinkHeader.parse("<https://api.github.com/repositories/1296269/pulls?per_page=100&page=3>; "
        + "rel=\"next\", <https://api.github.com/repositories/1296269/pulls?per_page=100&page=4>; rel=\"last\", "
        + "<https://api.github.com/repositories/1296269/pulls?per_page=100&page=1>; rel=\"first\", "
        + "<https://api.github.com/repositories/1296269/pulls?per_page=100&page=1>; rel=\"prev\"");

    assertThat(links.next().toString())
        .isEqualTo("https://api.github.com/repositories/1296269/pulls?per_page=100&page=3");
    assertThat(links.lastPage()).isEqualTo(4);
  }

  @Test
  void parse_lastPageOnly_hasNoNext() {
    LinkHeader links = LinkHeader.parse("<https://api.github.com/x?page=1>; rel=\"prev\", "
        + "<https://api.github.com/x?page=1>; rel=\"first\"");

    assertThat(links.next()).isNull();
    assertThat(links.lastPage()).isZero();
  }

  @Test
  void parse_absentHeader_isNone() {
    assertThat(LinkHeader.parse(null)).isEqualTo(LinkHeader.NONE);
    assertThat(LinkHeader.parse("  ")).isEqualTo(LinkHeader.NONE);
  }

  @Test
  void parse_unquotedAndMultipleRelValues_areUnderstood() {
    LinkHeader links = LinkHeader.parse("<https://h/x?a=1&page=5>; rel=\"next last\"");

    assertThat(links.next()).isEqualTo(URI.create("https://h/x?a=1&page=5"));
    assertThat(links.lastPage()).isEqualTo(5);
    assertThat(LinkHeader.parse("<https://h/y?page=2>; rel=next").next()).isEqualTo(URI.create("https://h/y?page=2"));
  }

  @Test
  void parse_pageParameterIsNotConfusedWithPerPage() {
    assertThat(LinkHeader.parse("<https://h/x?per_page=100&page=9>; rel=\"last\"").lastPage()).isEqualTo(9);
    assertThat(LinkHeader.parse("<https://h/x?page=9&per_page=100>; rel=\"last\"").lastPage()).isEqualTo(9);
  }
}
