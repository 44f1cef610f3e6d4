package meridian.core.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EarthTest {
    @Test
    void losAngelesTo35North120WestByHand() {
        // By hand: Δφ = -0.9478° , Δλ = 1.7563°; h = sin²(Δφ/2) + cos35°·cos34.0522°·sin²(Δλ/2)
        //   = 6.8414e-5 + 0.81915·0.82853·2.3489e-4 = 2.2783e-4; d = 2·6371·asin(√h) ≈ 192.33 km
        assertThat(Earth.haversineKm(35, -120, 34.0522, -118.2437)).isCloseTo(192.33, within(0.01));
        // and the figure the reference design prints for it
        assertThat(Earth.haversineKm(35.0, -120.0, 34.0522, -118.2437)).isCloseTo(192.3334276712751, within(1e-12));
    }

    @Test
    void knownDistances() {
        assertThat(Earth.haversineKm(0, 0, 0, 0)).isZero();
        // a quarter of a great circle: π/2 · R
        assertThat(Earth.haversineKm(0, 0, 90, 0)).isCloseTo(Math.PI / 2 * 6371.0, within(1e-9));
        // antipodes: π · R, and across the antimeridian both ways round are the same
        assertThat(Earth.haversineKm(0, 0, 0, 180)).isCloseTo(Math.PI * 6371.0, within(1e-9));
        assertThat(Earth.haversineKm(10, 179.5, 10, -179.5))
                .isCloseTo(Earth.haversineKm(10, -0.5, 10, 0.5), within(1e-9));
    }

    @Test
    void chordBoundCoversTheArc() {
        for (double km : new double[] {0, 1, 100, 5000, 20000}) {
            double c = Earth.chordSquaredForKm(km);
            double arc = 2 * Math.asin(Math.sqrt(c) / 2) * Earth.RADIUS_KM;
            assertThat(arc).isCloseTo(Math.min(km, Earth.MAX_DISTANCE_KM), within(1e-6));
        }
        assertThat(Earth.chordSquaredForKm(Double.POSITIVE_INFINITY)).isEqualTo(4.0);
    }
}
