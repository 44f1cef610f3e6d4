package meridian.cli.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupCsvTest {
    /** {@link RollupCsv#number} against its twin, the BigDecimal form it used for every non-integer value. */
    @Test
    void numbersMatchThePlainDecimalForm() {
        long seed = new Random().nextLong();
        System.out.println("RollupCsvTest seed " + seed);
        var rnd = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            double v =
                    switch (i % 3) {
                        case 0 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(24) - 8);
                        case 1 -> Math.round(rnd.nextDouble() * 1e7) / Math.pow(10, rnd.nextInt(9));
                        default -> Double.longBitsToDouble(rnd.nextLong());
                    };
            assertThat(RollupCsv.number(v)).as("%s, seed %d", v, seed).isEqualTo(twin(v));
        }
        for (double v : new double[] {1e-3, -1e-3, 9.999999999999998E-4, 1e7, 9999999.999999998, 0.5, -0.0, 1e15}) {
            assertThat(RollupCsv.number(v)).as("%s", v).isEqualTo(twin(v));
        }
    }

    private static String twin(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e15) {
            return BigDecimal.valueOf(v).toPlainString();
        }
        return Double.toString(v);
    }
}
