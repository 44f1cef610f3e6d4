import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step (cli/pom.xml, after the shade): {@code java ModernClassFiles JAR} rewrites, in place, every class file
 * of the jar older than Java 6 (version 50) as a Java 8 one (version 52) with stack maps computed by the JDK's
 * class-file API; the code itself is unchanged. The JVM's AOT cache does not take classes that old, so each run
 * loaded and verified them from the jar with the old inference verifier: picocli ships its ~230 classes as Java 5
 * ones, and `search --near` took 0.32-0.37 s against 0.24 s with them rewritten (BENCHMARKS.md). Entries keep
 * their order, times and storage (stored ones stay stored).
 */
public final class ModernClassFiles {
    private static final int OLDEST_KEPT = 50;
    private static final int REWRITTEN = 52;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, ZipEntry> meta = new LinkedHashMap<>();
        try (var in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
                meta.put(e.getName(), e);
            }
        }
        // the jar's own classes resolve the hierarchy the stack maps need, after the JDK's
        var resolver = ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofResourceParsing(desc -> {
                    String name = desc.descriptorString();
                    byte[] b = entries.get(name.substring(1, name.length() - 1) + ".class");
                    return b == null ? null : new ByteArrayInputStream(b);
                }));
        var rewriter = ClassFile.of(
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS, ClassFile.ClassHierarchyResolverOption.of(resolver));
        int rewritten = 0;
        for (var e : entries.entrySet()) {
            byte[] b = e.getValue();
            if (!e.getKey().endsWith(".class") || e.getKey().startsWith("META-INF/") || version(b) >= OLDEST_KEPT) {
                continue;
            }
            ClassModel model = ClassFile.of().parse(b);
            e.setValue(rewriter.transformClass(
                    model,
                    ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                            .andThen(ClassTransform.endHandler(c -> c.withVersion(REWRITTEN, 0)))));
            rewritten++;
        }
        if (rewritten == 0) {
            return;
        }
        Path tmp = Files.createTempFile(jar.toAbsolutePath().getParent(), "meridian", ".jar");
        try (var out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (var e : entries.entrySet()) {
                ZipEntry old = meta.get(e.getKey());
                var entry = new ZipEntry(e.getKey());
                entry.setTime(old.getTime());
                if (old.getMethod() == ZipEntry.STORED) {
                    var crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ModernClassFiles: " + rewritten + " class files of " + jar.getFileName() + " rewritten as version " + REWRITTEN);
    }

    private static int version(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | (classFile[7] & 0xff);
    }
}
