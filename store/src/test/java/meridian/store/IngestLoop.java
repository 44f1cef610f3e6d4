package meridian.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import meridian.core.error.MeridianException;

/**
 * A tiny ingest server for the crash tests, run as a child JVM: {@code IngestLoop JDBC_URL USERS}. It
 * makes sure USERS users exist, prints {@code READY id1 id2 ...}, then reads batches from stdin
 * ({@code BATCH seq n} then n lines {@code id,user,lat,lon,value,ts}), prints {@code BEGIN seq} before
 * ingesting and {@code ACK seq accepted duplicates} after the commit. Exits at end of input.
 */
public final class IngestLoop {
    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (Store store = Store.open(StoreConfig.of(args[0]))) {
            int wanted = Integer.parseInt(args[1]);
            var ids = new ArrayList<Long>();
            for (User u : store.users().list(wanted, 0).users()) {
                ids.add(u.id());
            }
            while (ids.size() < wanted) {
                ids.add(store.users()
                        .create("Crash " + ids.size(), "crash" + ids.size() + "@example.com")
                        .id());
            }
            out.println("READY "
                    + String.join(" ", ids.stream().map(String::valueOf).toList()));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String header;
            while ((header = in.readLine()) != null) {
                String[] h = header.split(" ");
                int n = Integer.parseInt(h[2]);
                var events = new ArrayList<Event>(n);
                for (int i = 0; i < n; i++) {
                    String[] f = in.readLine().split(",");
                    events.add(new Event(
                            Long.parseLong(f[0]),
                            Long.parseLong(f[1]),
                            Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]),
                            Double.parseDouble(f[4]),
                            f[5]));
                }
                out.println("BEGIN " + h[1]);
                out.flush();
                try {
                    IngestResult r = store.events().ingest(events);
                    out.println("ACK " + h[1] + " " + r.accepted() + " " + r.duplicates());
                } catch (MeridianException e) {
                    out.println("ERR " + h[1] + " " + e.code() + " " + e.getMessage());
                }
                out.flush();
            }
        }
    }
}
