package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import meridian.server.ServerConfig;
import org.junit.jupiter.api.Test;

/**
 * The launcher (scripts/jvm-defaults.sh) reads a few options itself, before the JVM starts, to choose a cache, a
 * heap or a compiler: each name it spells must be the commands' own, declared once in their option tables (and
 * serve's settings), with the arity the launcher assumes (a flag, or an option followed by its value). A rename on
 * either side fails here instead of silently changing what the launcher chooses.
 */
class LauncherOptionNamesTest {
    @Test
    void theOptionsTheLauncherReadsAreTheCommandsOwn() throws Exception {
        String script = Files.readString(Cli.projectRoot().resolve("scripts/jvm-defaults.sh"));

        // a cache of its own per mode
        assertThat(script).contains("aggregate) modes=\"--no-places\"").contains("process) modes=\"--country\"");
        assertThat(AggregateCommand.OPTIONS.named("--no-places").isFlag()).isTrue();
        assertThat(ProcessCommand.OPTIONS.named("--country").isFlag()).isTrue();
        // process -k N (as "-k N", "-k=N", "-kN"): the k-nearest path
        assertThat(script).contains("[ \"$prev\" = -k ] && k=$a").contains("-k=*) k=${a#-k=}");
        assertThat(ProcessCommand.OPTIONS.named("-k").isFlag()).isFalse();
        // the output file, left out of the input's length (the value after it)
        assertThat(script).contains("case \"$prev\" in -o | --out)");
        assertThat(ProcessCommand.OPTIONS.named("-o")).isSameAs(ProcessCommand.OPTIONS.named("--out"));
        assertThat(ProcessCommand.OPTIONS.named("--out").isFlag()).isFalse();
        assertThat(AggregateCommand.OPTIONS.named("--out").isFlag()).isFalse();
        assertThat(AggregateCommand.OPTIONS.named("-o")).isSameAs(AggregateCommand.OPTIONS.named("--out"));
        assertThat(SearchCommand.OPTIONS.named("-o"))
                .as("a name the launcher skips must not mean more")
                .isNull();
        assertThat(SearchCommand.OPTIONS.named("--out")).isNull();
        // serve's heap: from the admission slots and the reference set
        assertThat(script).contains("--max-in-flight) slots=$a").contains("--refs) [ \"$a\" = cities ]");
        assertThat(ServerConfig.MAX_IN_FLIGHT.option()).isEqualTo("--max-in-flight");
        assertThat(ServerConfig.REFS.option()).isEqualTo("--refs");
        // serve without a database: a cache of its own
        assertThat(script)
                .contains("--db) db=$a ;;")
                .contains("--db=*) db=${a#*=} ;;")
                .contains("db=${MERIDIAN_DB:-embedded}")
                .contains("[ \"${db:-}\" = off ] && cmd=serve_no_db");
        assertThat(ServerConfig.DB.option()).isEqualTo("--db");
        assertThat(ServerConfig.DB.env()).isEqualTo("MERIDIAN_DB");
        assertThat(ServerConfig.DB.defaultText()).isEqualTo("embedded");
    }
}
