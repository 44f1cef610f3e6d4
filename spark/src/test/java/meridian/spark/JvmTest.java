package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

class JvmTest {
    @Test
    void theFlagsWeStartSparkWithAreSparksOwnListPlusUnsafeMemoryAccess() throws IOException {
        List<String> spark = Arrays.asList(JavaModuleOptions.defaultModuleOptionArray());
        String packaged;
        try (InputStream in = JdkCheck.class.getResourceAsStream("/meridian/spark/jvm.options")) {
            packaged = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        List<String> ours = Arrays.asList(packaged.split("\\s+"));
        assertThat(ours).containsExactlyInAnyOrderElementsOf(spark);
        assertThat(ours).contains("--sun-misc-unsafe-memory-access=allow");
        // and the tests themselves run with them
        assertThat(System.getProperty("spark.jvm.options")).isEqualTo(packaged);
    }

    @Test
    void jdk25BeforeUpdate3IsRefusedWithTheReason() {
        assertThat(JdkCheck.problem(Runtime.Version.parse("25.0.2+10")))
                .contains("25.0.0 to 25.0.2")
                .contains("25.0.3 or newer");
        assertThat(JdkCheck.problem(Runtime.Version.parse("25+36"))).isNotNull();
        assertThat(JdkCheck.problem(Runtime.Version.parse("25.0.3+9"))).isNull();
        assertThat(JdkCheck.problem(Runtime.Version.parse("25.0.4"))).isNull();
        assertThat(JdkCheck.problem(Runtime.Version.parse("26.0.1"))).isNull();
        assertThat(JdkCheck.problem(Runtime.Version.parse("17.0.15"))).isNull();
    }
}
