package meridian.core.region;

import java.util.List;

/**
 * Polygons as read from a file, before repair: the units and their rings, every ring closed (last position
 * equal to the first), positions in degrees as written (longitude x, latitude y). Rings of all units are
 * laid end to end in {@code x}/{@code y}: ring r spans {@code [ringStart[r], ringStart[r + 1])} and belongs to
 * unit {@code ringUnit[r]}. Outer rings and holes are not told apart: containment is by the even-odd rule
 * over all rings of a unit.
 */
public record RegionSource(String file, List<Region> regions, double[] x, double[] y, int[] ringStart, int[] ringUnit) {
    public int ringCount() {
        return ringUnit.length;
    }
}
