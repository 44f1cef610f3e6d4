package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import meridian.core.error.ExitCode;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Seeds.class)
class SearchCommandTest {
    @TempDir
    Path dir;

    @Test
    void substringIgnoresCaseAndAccents() {
        var r = Cli.run("search", "sao paulo", "--limit", "3");
        assertThat(r.code()).as(r.err()).isZero();
        var lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("id\tname\tcountry\tpopulation\tlat\tlon");
        assertThat(lines.get(1)).contains("\tSão Paulo\tBR\t");
        assertThat(lines).hasSize(4);
        assertThat(Cli.run("search", "SÃO PAULO", "--limit", "1").out())
                .isEqualTo(r.out().lines().limit(2).map(l -> l + "\n").reduce("", String::concat));
        assertThat(SearchCommand.fold("Zürich Ærø São")).isEqualTo("zurich ærø sao");
    }

    @Test
    void asciiMatchInPlaceAgreesWithFolding() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        String letters = "aAbBzZ@[`{ 0-";
        for (int round = 0; round < 20_000; round++) {
            String s = random(rnd, letters, rnd.nextInt(12));
            String needle = SearchCommand.fold(random(rnd, letters, 1 + rnd.nextInt(3)));
            assertThat(SearchCommand.indexOfIgnoringAsciiCase(s, needle))
                    .as("seed %d: '%s' in '%s'", seed, needle, s)
                    .isEqualTo(SearchCommand.fold(s).indexOf(needle));
        }
    }

    private static String random(Random rnd, String letters, int length) {
        var b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(letters.charAt(rnd.nextInt(letters.length())));
        }
        return b.toString();
    }

    @Test
    void regexAndNoMatch() throws IOException {
        Path refs = Cli.twoCities(dir);
        var r = Cli.run("search", "--regex", "^(san|los) ", "--refs", refs.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("sf\tSan Francisco\t37.7749\t-122.4194")
                .contains("la\tLos Angeles\t34.0522\t-118.2437");
        var none = Cli.run("search", "paris", "--refs", refs.toString());
        assertThat(none.code()).isZero();
        assertThat(none.out().lines()).hasSize(1);
        assertThat(none.err()).contains("no place");
        var bad = Cli.run("search", "--regex", "(", "--refs", refs.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("invalid regular expression");
    }

    @Test
    void nearListsTheKNearestWithDistances() throws IOException {
        Path refs = Cli.twoCities(dir);
        var r = Cli.run("search", "--near", "35,-120", "-k", "2", "--refs", refs.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("# country: US (USA) United States of America\n"
                        + "id\tname\tlat\tlon\tdistance_km\n"
                        + "la\tLos Angeles\t34.0522\t-118.2437\t192.3334276712751\n"
                        + "sf\tSan Francisco\t37.7749\t-122.4194\t376.93862759741245\n");
        var within = Cli.run("search", "--near=35,-120", "--max-km", "200", "--refs", refs.toString());
        assertThat(within.out().lines()).hasSize(3);
        var sydney = Cli.run("search", "--near", "-33.8688,151.2093", "-k", "1");
        assertThat(sydney.out()).contains("\tSydney\tAU\t").startsWith("# country: AU (AUS) Australia\n");
    }

    @Test
    void nearNamesTheCountryAcrossTheAntimeridianAndAtSea() {
        assertThat(Cli.run("search", "--near", "64.84,-147.72", "-k", "1").out())
                .startsWith("# country: US (USA) United States of America\n");
        assertThat(Cli.run("search", "--near", "71.25,-179.9", "-k", "1").out())
                .startsWith("# country: RU (RUS) Russia\n");
        assertThat(Cli.run("search", "--near", "43.0,5.5", "-k", "1").out())
                .startsWith("# country: FR (FRA) France, at sea 19.66");
        assertThat(Cli.run("search", "--near", "43.0,5.5", "-k", "1", "--sea-km", "10")
                        .out())
                .startsWith("# country: none (no border within 10");
        assertThat(Cli.run("search", "--near", "0,-30", "-k", "1").out()).startsWith("# country: none");
    }

    @Test
    void usageErrors() {
        assertThat(Cli.run("search").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("search", "x", "--near", "1,2").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("search", "--near", "91,0").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("search", "--near", "abc").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("search", "x", "-k", "3").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("search", "x", "--refs", "/no/such/file.csv").code()).isEqualTo(ExitCode.IO);
    }
}
