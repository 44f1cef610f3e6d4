package meridian.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcerptTest {
    @Test
    void keepsShortTextAndCutsLongText() {
        assertThat(Excerpt.of("")).isEmpty();
        assertThat(Excerpt.of("x".repeat(40))).isEqualTo("x".repeat(40));
        assertThat(Excerpt.of("0123456789".repeat(4) + "!")).isEqualTo("0123456789012345678901234567890123456...");
        assertThat(Excerpt.of("y".repeat(5_000_000))).hasSize(40);
    }

    @Test
    void listsShortHeadersWholeAndCountsLongOnes() {
        assertThat(Excerpt.ofList(List.of("id", "lat", "lon"))).isEqualTo("id,lat,lon");
        List<String> many = new ArrayList<>();
        for (int c = 0; c < 1000; c++) {
            many.add("c" + c);
        }
        String text = Excerpt.ofList(many);
        assertThat(text).startsWith("c0,c1,c2,").endsWith("... (1000 columns)").hasSize(197 + 3 + 15);
    }
}
