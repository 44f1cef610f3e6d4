package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The runnable jar as the build leaves it (cli/pom.xml's steps after the shade). */
@Tag("slow") // needs the jar of the package phase: run by Failsafe in verify
class JarTest {
    /**
     * No class file older than Java 6 (version 50): the JVM's AOT cache does not take those, and every run
     * would load and verify them again (src/build/ModernClassFiles.java rewrites picocli's).
     */
    @Test
    void everyClassFileIsOneTheAotCacheTakes() throws IOException {
        Path jar = Cli.projectRoot().resolve("cli/target/meridian.jar");
        List<String> old = new ArrayList<>();
        int classes = 0;
        try (var file = new JarFile(jar.toFile())) {
            for (var e : file.stream().toList()) {
                if (!e.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                try (var in = file.getInputStream(e)) {
                    byte[] head = in.readNBytes(8);
                    int version = (head[6] & 0xff) << 8 | (head[7] & 0xff);
                    if (version < 50) {
                        old.add(e.getName() + " (" + version + ")");
                    }
                }
            }
        }
        assertThat(classes).as("classes in %s", jar).isGreaterThan(1000);
        assertThat(old).as("class files older than Java 6 in the jar").isEmpty();
        assertThat(file(jar, "picocli/CommandLine.class"))
                .as("picocli is in the jar")
                .isTrue();
    }

    private static boolean file(Path jar, String name) throws IOException {
        try (var file = new JarFile(jar.toFile())) {
            return file.getEntry(name) != null;
        }
    }
}
