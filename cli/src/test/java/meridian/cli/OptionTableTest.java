package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The batch commands' plain reading ({@link OptionTable#readPlain}) against picocli reading the same line from
 * the same table: every line the plain reading accepts, picocli accepts too and leaves the command in the same
 * state (every field); lines out of the ordinary go to picocli. Lines are made at random from each command's
 * options with good and bad values, repeated and clustered options, stray arguments.
 */
@ExtendWith(Seeds.class)
class OptionTableTest {
    private static final Main MAIN = new Main(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(PrintStream.nullOutputStream()),
            new PrintStream(PrintStream.nullOutputStream()));

    private static final String[] VALUES = {
        "3",
        "0",
        "-1",
        "1e3",
        "2.5",
        "abc",
        "",
        "x.csv",
        "-",
        "CSV",
        "json",
        "Ndjson",
        "xml",
        "cities",
        "48.8,2.3",
        "NaN",
        "0x10",
        "+7",
        "99999999999",
        "@args.txt",
        "--",
        "-k"
    };

    @Test
    void plainLinesReadAsPicocliReadsThem() throws Exception {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        int plain = 0;
        for (int round = 0; round < 3000; round++) {
            switch (round % 3) {
                case 0 -> plain += check(ProcessCommand.OPTIONS, () -> new ProcessCommand(MAIN), rnd, seed, round);
                case 1 -> plain += check(SearchCommand.OPTIONS, () -> new SearchCommand(MAIN), rnd, seed, round);
                default -> plain += check(AggregateCommand.OPTIONS, () -> new AggregateCommand(MAIN), rnd, seed, round);
            }
        }
        assertThat(plain).as("lines read without picocli, seed " + seed).isGreaterThan(300);
    }

    @Test
    void outOfTheOrdinaryLinesGoToPicocli() {
        for (String line : List.of(
                "x.csv --help",
                "x.csv -V",
                "x.csv -qk 2",
                "x.csv -k 2 -k 3",
                "x.csv --max-km -1",
                "x.csv -k x",
                "x.csv --country=true",
                "x.csv y.csv",
                "@args.txt",
                "x.csv -- -q",
                "--quiet")) {
            String[] args = ("process " + line).split(" ");
            assertThat(ProcessCommand.OPTIONS.readPlain(new ProcessCommand(MAIN), args, 1))
                    .as(line)
                    .isFalse();
        }
        assertThat(ProcessCommand.OPTIONS.readPlain(
                        new ProcessCommand(MAIN), "process - -k=3 --max-km 5 -f json -q".split(" "), 1))
                .isTrue();
        assertThat(SearchCommand.OPTIONS.readPlain(new SearchCommand(MAIN), new String[] {"search"}, 1))
                .as("the pattern is optional")
                .isTrue();
    }

    /** One random line; returns 1 when the plain reading took it. */
    private static <C extends Callable<Integer>> int check(
            OptionTable<C> table, Supplier<C> make, Random rnd, long seed, int round) throws Exception {
        List<String> names = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : table.spec(make.get()).options()) {
            names.addAll(List.of(o.names()));
        }
        List<String> args = new ArrayList<>();
        args.add(table.name());
        int n = rnd.nextInt(6);
        if (rnd.nextInt(4) > 0) {
            args.add(rnd.nextBoolean() ? "in.csv" : "-");
        }
        for (int i = 0; i < n; i++) {
            String name = names.get(rnd.nextInt(names.size()));
            String value = VALUES[rnd.nextInt(VALUES.length)];
            switch (rnd.nextInt(5)) {
                case 0 -> args.add(name + "=" + value);
                case 1 -> args.add(name);
                case 2 -> args.add(value);
                default -> {
                    args.add(name);
                    args.add(value);
                }
            }
        }
        String[] line = args.toArray(String[]::new);
        String why = "seed " + seed + " round " + round + ": " + String.join(" ", line);

        C quick = make.get();
        if (!table.readPlain(quick, line, 1)) {
            return 0;
        }
        C viaPicocli = make.get();
        new CommandLine(table.spec(viaPicocli))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(List.of(line).subList(1, line.length).toArray(String[]::new));
        assertThat(state(quick)).as(why).isEqualTo(state(viaPicocli));
        return 1;
    }

    private static Map<String, Object> state(Object command) throws IllegalAccessException {
        var m = new LinkedHashMap<String, Object>();
        for (Field f : command.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType() == Main.class) {
                continue;
            }
            f.setAccessible(true);
            m.put(f.getName(), f.get(command));
        }
        return m;
    }
}
