package meridian.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import meridian.core.error.InvalidInputException;
import meridian.core.error.RefusedException;
import org.junit.jupiter.api.Test;

class TokensTest {
    static final String SECRET = "s3cret-0123456789abcdef";

    @Test
    void readsRolesAndIgnoresCommentsAndBlankLines() {
        Tokens t = Tokens.parse(
                List.of(
                        "# clients",
                        "",
                        "  read   r-0123456789abcdef  ",
                        "ADMIN " + SECRET,
                        "write w-0123456789abcdef"),
                "tokens");
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.roleOf("r-0123456789abcdef")).isEqualTo(Role.READ);
        assertThat(t.roleOf(SECRET)).isEqualTo(Role.ADMIN);
        assertThat(t.roleOf("w-0123456789abcdef")).isEqualTo(Role.WRITE);
        assertThat(t.roleOf(SECRET + "x")).isNull();
        assertThat(t.roleOf(SECRET.substring(1))).isNull();
        assertThat(t.roleOf("")).isNull();
        assertThat(t.roleOf(null)).isNull();
    }

    @Test
    void badLinesNameTheLineButNeverTheToken() {
        for (List<String> lines : List.of(
                List.of("# x", "root " + SECRET),
                List.of("admin " + SECRET + " extra"),
                List.of("admin tiny9"),
                List.of("admin " + SECRET, "read " + SECRET),
                List.of("# nothing"))) {
            assertThatThrownBy(() -> Tokens.parse(lines, "tokens"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_tokens");
                        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("tiny9");
                    });
        }
        assertThatThrownBy(() -> Tokens.parse(List.of("# x", "root " + SECRET), "tokens"))
                .hasMessageContaining("line 2");
    }

    @Test
    void rolesIncludeTheLowerOnes() {
        HttpGate gate = new HttpGate(Tokens.parse(List.of("write " + SECRET), "t"), List.of("localhost"), List.of());
        var ok = new RequestGate.RequestHead(
                "POST", "/events", "localhost", null, "application/x-ndjson", "Bearer " + SECRET);
        gate.check(ok);
        gate.check(new RequestGate.RequestHead("GET", "/users", "localhost", null, null, "bearer " + SECRET));
        assertThatThrownBy(() -> gate.check(
                        new RequestGate.RequestHead("DELETE", "/users/1", "localhost", null, null, "Bearer " + SECRET)))
                .isInstanceOfSatisfying(
                        RefusedException.class, e -> assertThat(e.code()).isEqualTo("forbidden"));
    }

    @Test
    void hostNames() {
        assertThat(HttpGate.hostName("[::1]:8080")).isEqualTo("::1");
        assertThat(HttpGate.hostName("a.example:80")).isEqualTo("a.example");
        assertThat(HttpGate.hostName("::1")).isNull();
        assertThat(HttpGate.isIpLiteral("127.0.0.1")).isTrue();
        assertThat(HttpGate.isIpLiteral("256.0.0.1")).isFalse();
        assertThat(HttpGate.isIpLiteral("1.2.3")).isFalse();
        assertThat(HttpGate.isIpLiteral("01.2.3.4")).isTrue();
        assertThat(HttpGate.isIpLiteral("1.2.3.4.")).isFalse();
        assertThat(HttpGate.isIpLiteral("1..2.3")).isFalse();
        assertThat(HttpGate.isIpLiteral("1234.1.1.1")).isFalse();
        assertThat(HttpGate.isIpLiteral("a.b.c.d")).isFalse();
        assertThat(HttpGate.isIpLiteral("")).isFalse();
        assertThat(HttpGate.isIpLiteral("::1")).isTrue();
        assertThat(HttpGate.isIpLiteral("::g")).isFalse();
        assertThat(HttpGate.isIpLiteral("127.0.0.1.nip.io")).isFalse();
        assertThat(HttpGate.isIpLiteral("::ffff:127.0.0.1")).isTrue();
    }
}
