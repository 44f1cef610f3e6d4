package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.core.error.ExitCode;
import meridian.server.ServerConfig;
import meridian.server.Setting;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code serve} command line read without picocli gives what picocli gives, or hands over to it. */
class ServeArgsTest {
    @Test
    void plainSettingsAreReadAsPicocliReadsThem() {
        List<String[]> lines = List.of(
                new String[] {"serve"},
                new String[] {"serve", "--port", "8080", "--db", "off", "--refs", "/tmp/x y.csv"},
                new String[] {"serve", "--port=0", "--tcp-port=0", "--insecure", "--db=off"},
                new String[] {"serve", "--insecure=false", "--host", "0.0.0.0", "--max-in-flight", "4"},
                new String[] {"serve", "--tcp-country", "--config", "/tmp/meridian.properties"},
                new String[] {"serve", "--allowed-origins=", "--tcp-country=true"});
        for (String[] args : lines) {
            ServeCommand.Quick quick = ServeCommand.quickParse(args, 1);
            assertThat(quick).as(String.join(" ", args)).isNotNull();
            assertThat(quick.options())
                    .as(String.join(" ", args))
                    .isEqualTo(picocli(args).options());
            assertThat(quick.config()).isEqualTo(picocli(args).config());
        }
    }

    @Test
    void anythingElseGoesToPicocli() {
        List<String[]> lines = List.of(
                new String[] {"serve", "--help"},
                new String[] {"serve", "-h"},
                new String[] {"serve", "--version"},
                new String[] {"serve", "--port"},
                new String[] {"serve", "--port", "1", "--port", "2"},
                new String[] {"serve", "--port", "-1"},
                new String[] {"serve", "--insecure", "false"},
                new String[] {"serve", "--no-such-option", "1"},
                new String[] {"serve", "@args.txt"},
                new String[] {"serve", "--", "--port", "1"},
                new String[] {"serve", "--config", "a", "--config", "b"});
        for (String[] args : lines) {
            assertThat(ServeCommand.quickParse(args, 1))
                    .as(String.join(" ", args))
                    .isNull();
        }
        // and picocli still answers them as before
        var help = Cli.run("serve", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--max-in-flight");
        var bad = Cli.run("serve", "--no-such-option", "1");
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("Unknown option");
    }

    @Test
    void aBadValueIsAUsageErrorOnTheQuickPathToo() {
        var r = Cli.run("serve", "--port", "99999", "--db", "off");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("meridian: setting 'port'");
        var missing = Cli.run("serve", "--config", "/no/such/meridian.properties");
        assertThat(missing.code()).isEqualTo(ExitCode.IO);
        assertThat(missing.err()).contains("no such config file");
    }

    /** What picocli's {@code serve} reads from the same line: the options map of {@link ServeCommand#call}. */
    private static ServeCommand.Quick picocli(String[] args) {
        var out = new PrintStream(new ByteArrayOutputStream());
        var cmd = Main.model(new Main(new ByteArrayInputStream(new byte[0]), out, out), args);
        CommandLine.ParseResult parsed = cmd.parseArgs(args);
        CommandLine.Model.CommandSpec serve = parsed.subcommand().commandSpec();
        Map<String, String> options = new LinkedHashMap<>();
        for (Setting<?> s : ServerConfig.settings()) {
            String v = serve.findOption(s.option()).getValue();
            if (v != null) {
                options.put(s.key(), v);
            }
        }
        Path config = serve.findOption("--config").getValue();
        return new ServeCommand.Quick(config, options);
    }
}
