package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @Test
    void precedenceIsDefaultsThenFileThenEnvironmentThenOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("meridian.properties");
        Files.writeString(file, "port=7000\nadmission-wait-ms=100\nmax.body.bytes=1000\ntcp-port=0\n");
        Map<String, String> env = Map.of("MERIDIAN_PORT", "7001", "MERIDIAN_GRACE_MS", "5");
        Map<String, String> options = new HashMap<>();
        options.put("port", "7002");
        options.put("refs", null);
        ServerConfig c = ServerConfig.load(file, env, options);
        assertThat(c.port()).isEqualTo(7002);
        assertThat(c.admissionWaitMs()).isEqualTo(100);
        assertThat(c.maxBodyBytes()).isEqualTo(1000);
        assertThat(c.graceMs()).isEqualTo(5);
        assertThat(c.tcpPort()).isEqualTo(-1); // 0 = off
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.refs()).isEqualTo("cities");
        assertThat(ServerConfig.defaultConfig().cpuPermits())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void badValuesNameTheSetting(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("MERIDIAN_CPU_PERMITS", "zero"), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cpu-permits")
                .hasMessageContaining("MERIDIAN_CPU_PERMITS");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), Map.of("port", "70000")))
                .hasMessageContaining("port");
        Path file = dir.resolve("x.properties");
        Files.writeString(file, "colour=blue\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of(), Map.of()))
                .hasMessageContaining("unknown setting 'colour'");
    }

    @Test
    void readmeSettingsTableIsTheDeclaration() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- settings:begin -->\n";
        String end = "<!-- settings:end -->";
        assertThat(readme).contains(begin).contains(end);
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
        assertThat(table)
                .as("README.md's settings table; paste the expected text between the markers")
                .isEqualTo(ServerConfig.markdownTable());
    }

    @Test
    void everySettingHasAnEnvironmentVariableAndBoundsChecks() {
        for (Setting<?> s : ServerConfig.settings()) {
            assertThat(ServerConfig.load(null, Map.of(s.env(), s.defaultText()), Map.of())
                            .get(s))
                    .isEqualTo(ServerConfig.defaultConfig().get(s));
        }
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("MERIDIAN_TCP_MAX_LINE_BYTES", "0"), Map.of()))
                .hasMessageContaining("tcp-max-line-bytes")
                .hasMessageContaining("must be 1..");
        assertThat(ServerConfig.defaultConfig()
                        .with(ServerConfig.TCP_MAX_LINE_BYTES, 4096)
                        .tcpMaxLineBytes())
                .isEqualTo(4096);
    }
}
