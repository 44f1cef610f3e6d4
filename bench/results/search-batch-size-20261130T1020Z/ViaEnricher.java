package meridian.bench;

import java.lang.management.ManagementFactory;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

public final class ViaEnricher {
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]);
        boolean pollute = args.length > 1 && args[1].equals("pollute");
        ReferenceSet cities = ReferenceSetReader.bundled();
        Enricher enricher = new Enricher(cities.index());
        Searcher s = cities.index().searcher();
        int n = 1_000_000;
        double[][] q = Workloads.nearestQueries("clustered", cities, n);
        RecordBatch rb = new RecordBatch(batch);
        Matches m = new Matches();
        byte[] junk = new byte[(int) (batch * 140L)]; // the block's input and output bytes
        var cpu = ManagementFactory.getThreadMXBean();
        int[] places = new int[n]; double[] km = new double[n];
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int f = 0; f < n; f += batch) {
                int to = Math.min(n, f + batch);
                rb.clear();
                for (int i = f; i < to; i++) rb.add(i, q[0][i], q[1][i]);
                if (pollute) { for (int i = 0; i < junk.length; i += 64) { junk[i]++; } }
                m.reset(to - f, EnrichOptions.NEAREST);
                enricher.enrichRange(rb, 0, to - f, EnrichOptions.NEAREST, m);
                sink += m.place(0, 0);
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int f = 0; f < n; f += batch) {
                int to = Math.min(n, f + batch);
                if (pollute) { for (int i = 0; i < junk.length; i += 64) { junk[i]++; } }
                s.nearest(q[0], q[1], f, to, places, km);
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            System.out.printf("batch %d%s: via enricher %.1f ns, searcher %.1f ns%n", batch, pollute ? " polluted" : "", (t1 - t0) / (double) n, (t2 - t1) / (double) n);
        }
        System.out.println(sink);
    }
}
