package meridian.bench;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
public final class Stats {
    public static void main(String[] a) {
        ReferenceSet cities = ReferenceSetReader.bundled();
        Searcher s = cities.index().searcher();
        int n = 1_000_000, batch = 16384;
        for (String dist : Workloads.NEAREST_DISTRIBUTIONS) {
            double[][] q = Workloads.nearestQueries(dist, cities, n);
            Searcher.cLeaves = Searcher.cPoints = Searcher.cBoxes = Searcher.cGaps = Searcher.cLevels = Searcher.cQueries = Searcher.cAdmits = Searcher.cFirstLeafWins = 0;
            int[] places = new int[n]; double[] km = new double[n];
            for (int f = 0; f < n; f += batch) s.nearest(q[0], q[1], f, Math.min(n, f + batch), places, km);
            double Q = Searcher.cQueries;
            System.out.printf("%s: searched %d of %d; levels %.1f leaves %.2f points %.1f boxes %.2f gapsPassed %.2f admits %.2f firstLeafHasAnswer %.1f%%%n", dist, Searcher.cQueries, n,
                Searcher.cLevels/Q, Searcher.cLeaves/Q, Searcher.cPoints/Q, Searcher.cBoxes/Q, Searcher.cGaps/Q, Searcher.cAdmits/Q, 100*Searcher.cFirstLeafWins/Q);
        }
    }
}
