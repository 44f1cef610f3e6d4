package meridian.bench;

import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

public final class ProfLoop2 {
    public static void main(String[] args) {
        ReferenceSet cities = ReferenceSetReader.bundled();
        Searcher s = cities.index().searcher();
        int n = 1_000_000, batch = 16384;
        String[] order = args[0].split(",");
        int[] places = new int[n];
        double[] km = new double[n];
        var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (String dist0 : order) {
            boolean one = dist0.startsWith("one-");
            String dist = one ? dist0.substring(4) : dist0;
            double[][] q = Workloads.nearestQueries(dist, cities, n);
            for (int pass = 0; pass < 4; pass++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                if (one) { for (int i = 0; i < n; i++) { int p = s.nearest(q[0][i], q[1][i]); places[i] = p; km[i] = s.distanceKm(p); } }
                else for (int f = 0; f < n; f += batch) s.nearest(q[0], q[1], f, Math.min(n, f + batch), places, km);
                System.out.printf("%s pass %d: %.0f ns/query%n", dist0, pass, (cpu.getCurrentThreadCpuTime() - t0) / (double) n);
                sum += places[pass];
            }
        }
        System.out.println(sum);
    }
}
