package meridian.bench;

import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

public final class CertRate {
    static double[] vec(double lat, double lon) {
        double p = Math.toRadians(lat), l = Math.toRadians(lon), c = Math.cos(p);
        return new double[] {c * Math.cos(l), c * Math.sin(l), Math.sin(p)};
    }
    static double chord2(double[] a, double[] b) {
        double dx = a[0]-b[0], dy = a[1]-b[1], dz=a[2]-b[2];
        return dx*dx+dy*dy+dz*dz;
    }
    public static void main(String[] args) {
        ReferenceSet cities = ReferenceSetReader.bundled();
        int m = cities.size();
        Searcher s = cities.index().searcher();
        double[][] v = new double[m][];
        for (int i = 0; i < m; i++) v[i] = vec(cities.lat(i), cities.lon(i));
        double[] half2 = new double[m]; // (nn/2)^2 in chord
        Neighbors nb = new Neighbors();
        int zero = 0;
        for (int i = 0; i < m; i++) {
            int c = s.nearest(cities.lat(i), cities.lon(i), 2, Double.POSITIVE_INFINITY, nb);
            int other = nb.index(0) == i ? nb.index(1) : nb.index(0);
            double d2 = chord2(v[i], v[other]);
            half2[i] = d2 / 4;
            if (d2 == 0) zero++;
        }
        System.out.println("cities " + m + " with a twin at 0: " + zero);
        int n = 1_000_000, batch = 16384;
        for (String dist : Workloads.NEAREST_DISTRIBUTIONS) {
            double[][] q = Workloads.nearestQueries(dist, cities, n);
            int[] places = new int[n];
            double[] km = new double[n];
            for (int f = 0; f < n; f += batch) s.nearest(q[0], q[1], f, Math.min(n, f + batch), places, km);
            int certTrue = 0;
            for (int i = 0; i < n; i++) {
                if (chord2(vec(q[0][i], q[1][i]), v[places[i]]) < half2[places[i]]) certTrue++;
            }
            // previous answer in curve order within each batch
            int certPrev = 0, samePrev = 0;
            for (int f = 0; f < n; f += batch) {
                int to = Math.min(n, f + batch);
                Integer[] idx = new Integer[to - f];
                for (int j = 0; j < idx.length; j++) idx[j] = f + j;
                java.util.Arrays.sort(idx, java.util.Comparator.comparingLong(i -> key(q[0][i], q[1][i])));
                int prev = -1;
                for (int j = 0; j < idx.length; j++) {
                    int i = idx[j];
                    if (prev >= 0) {
                        if (places[i] == prev) samePrev++;
                        if (chord2(vec(q[0][i], q[1][i]), v[prev]) < half2[prev]) certPrev++;
                    }
                    prev = places[i];
                }
            }
            System.out.printf("%s: answer certifies %.1f%%, previous answer is the answer %.1f%%, previous certifies %.1f%%%n",
                    dist, 100.0 * certTrue / n, 100.0 * samePrev / n, 100.0 * certPrev / n);
        }
    }
    static long key(double lat, double lon) {
        int y = (int) ((lat + 90.0) * (65535.0 / 180.0));
        int x = (int) ((lon + 180.0) * (65535.0 / 360.0));
        return spread(y) << 1 | spread(x);
    }
    static long spread(int v) {
        v &= 0xFFFF;
        v = (v | v << 8) & 0x00FF00FF;
        v = (v | v << 4) & 0x0F0F0F0F;
        v = (v | v << 2) & 0x33333333;
        return (v | v << 1) & 0x55555555;
    }
}
