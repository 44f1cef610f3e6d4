package meridian.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import meridian.core.index.NearestIndex;
import meridian.core.index.Searcher;
import meridian.core.index.SearcherBase;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

/** For a variant of the search: the batch search of Searcher against SearcherBase in one JVM, alternated per round. */
public final class VariantCpuTime {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int queries = 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16_384;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[] cityLat = new double[cities.size()];
        double[] cityLon = new double[cities.size()];
        for (int i = 0; i < cities.size(); i++) {
            cityLat[i] = cities.lat(i);
            cityLon[i] = cities.lon(i);
        }
        double[][] airports = Workloads.airports();
        String[] names = {"uniform", "clustered", "real"};
        double[][][] points = {
            Workloads.uniformSpherePoints(queries, 42),
            Workloads.pointsNear(cityLat, cityLon, queries, 0.09, 42),
            Workloads.pointsNear(airports[0], airports[1], queries, 0.045, 42)
        };
        NearestIndex index = cities.index();
        Searcher s = index.searcher();
        SearcherBase b = new SearcherBase(index);
        int[] places = new int[queries];
        double[] km = new double[queries];
        double[] km2 = new double[queries];
        double[][][] ns = new double[3][2][rounds];
        long differ = 0;
        for (int round = -2; round < rounds; round++) {
            for (int d = 0; d < 3; d++) {
                double[] lat = points[d][0], lon = points[d][1];
                for (int w0 = 0; w0 < 2; w0++) {
                    int w = (round & 1) == 0 ? w0 : 1 - w0;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    for (int from = 0; from < queries; from += batch) {
                        int to = Math.min(queries, from + batch);
                        if (batch == 1) {
                            if (w == 0) {
                                int p = b.nearest(lat[from], lon[from]);
                                km[from] = b.distanceKm(p);
                            } else {
                                int p = s.nearest(lat[from], lon[from]);
                                km2[from] = s.distanceKm(p);
                            }
                        } else if (w == 0) {
                            b.nearest(lat, lon, from, to, places, km);
                        } else {
                            s.nearest(lat, lon, from, to, places, km2);
                        }
                    }
                    long t = cpu.getCurrentThreadCpuTime() - t0;
                    if (round >= 0) {
                        ns[d][w][round] = t / (double) queries;
                    }
                }
                for (int i = 0; i < queries; i++) {
                    if (km[i] != km2[i]) {
                        differ++;
                    }
                }
            }
        }
        for (int d = 0; d < 3; d++) {
            double[] r = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                r[i] = ns[d][0][i] / ns[d][1][i];
            }
            Arrays.sort(r);
            System.out.printf(Locale.ROOT, "%-10s base %6.1f ns  new %6.1f ns  new/base speed per round: median %.3f, range %.3f-%.3f%n",
                    names[d], median(ns[d][0]), median(ns[d][1]), r[rounds / 2], r[0], r[rounds - 1]);
        }
        System.out.println("answers differing: " + differ);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
