package meridian.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import meridian.core.error.ExitCode;
import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.region.Region;
import meridian.core.region.RegionIndex;
import meridian.core.region.RegionLocator;
import meridian.core.region.Regions;
import meridian.core.text.Ascii;
import meridian.core.text.Decimals;

/**
 * {@code meridian search}: places of a reference set by name (case- and accent-insensitive substring, or
 * a regular expression), or the k nearest to a point. Prints a tab-separated table with a header:
 * {@code id, name, <attributes...>, lat, lon} and, for {@code --near}, {@code distance_km}.
 */
final class SearchCommand implements Callable<Integer> {
    static final OptionTable<SearchCommand> OPTIONS = OptionTable.<SearchCommand>command(
                    "search",
                    false,
                    "Find places in a reference set by name, or near a point.",
                    "",
                    "By name: PATTERN matches anywhere in the name, ignoring case and accents ('sao paulo' finds"
                            + " 'São Paulo'); with --regex it is a regular expression (case-insensitive, tried on the"
                            + " name and on its accent-free form). Exact matches come first, then prefixes, then the"
                            + " rest; larger population first within each.",
                    "Near a point: --near LAT,LON lists the -k nearest places with their distance in km, after a line"
                            + " '# country: ...' naming the country that contains the point (or whose territorial sea"
                            + " it is in, with the distance to its border), from the bundled Natural Earth countries or"
                            + " --regions.",
                    "Output: tab-separated, with a header: id, name, the set's attributes (country, population...),"
                            + " lat, lon[, distance_km].")
            .param("PATTERN", false, "text (or --regex) to find in place names", (c, v) -> c.pattern = (String) v)
            .refs((c, v) -> c.refs = (String) v)
            .flag("--regex", "PATTERN is a regular expression", (c, v) -> c.regex = (Boolean) v)
            .option(
                    "-n --limit",
                    "N",
                    int.class,
                    "20",
                    "print at most N places (default: ${DEFAULT-VALUE})",
                    (c, v) -> c.limit = (Integer) v)
            .option(
                    "--near",
                    "LAT,LON",
                    String.class,
                    null,
                    "list the places nearest to this point",
                    (c, v) -> c.near = (String) v)
            .option(
                    "-k",
                    "N",
                    Integer.class,
                    null,
                    "with --near: how many places (default: 10)",
                    (c, v) -> c.k = (Integer) v)
            .option(
                    "--max-km",
                    "D",
                    Double.class,
                    null,
                    "with --near: only places within D km",
                    (c, v) -> c.maxKm = (Double) v)
            .regions("--near", (c, v) -> c.regions = (Path) v, (c, v) -> c.seaKm = (Double) v);

    private final Main main;
    private String pattern;
    private String refs;
    private boolean regex;
    private int limit;
    private String near;
    private Integer k;
    private Double maxKm;
    private Path regions;
    private Double seaKm;

    SearchCommand(Main main) {
        this.main = main;
    }

    @Override
    public Integer call() {
        if ((pattern == null) == (near == null)) {
            throw OptionTable.usage("give either a PATTERN or --near LAT,LON (not both)");
        }
        if (limit < 1) {
            throw OptionTable.usage("--limit must be at least 1, got " + limit);
        }
        if (near == null && (k != null || maxKm != null || regions != null || seaKm != null)) {
            throw OptionTable.usage("-k, --max-km, --regions and --sea-km only apply to --near");
        }
        Pattern compiled = null;
        if (regex) {
            try {
                compiled = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            } catch (PatternSyntaxException e) {
                throw OptionTable.usage("invalid regular expression: " + e.getDescription() + " in '" + pattern + "'");
            }
        }
        double[] point = near == null ? null : parsePoint(near);
        int count = k == null ? 10 : k;
        if (count < 1 || count > 1000) {
            throw OptionTable.usage("-k must be between 1 and 1000, got " + count);
        }
        if (maxKm != null && (maxKm.isNaN() || maxKm < 0)) {
            throw OptionTable.usage("--max-km must be a distance >= 0, got " + maxKm);
        }
        ReferenceSet set = References.load(refs);
        PrintStream out = main.stdout;
        if (point != null) {
            printNear(set, point[0], point[1], count, maxKm == null ? Double.POSITIVE_INFINITY : maxKm, out);
        } else {
            List<Integer> found = byName(set, pattern, compiled);
            header(set, out, false);
            for (int i = 0; i < Math.min(limit, found.size()); i++) {
                row(set, found.get(i), out);
                out.println();
            }
            if (found.isEmpty()) {
                main.stderr.println("meridian: no place in " + set.name() + " matches '" + pattern + "'");
            } else if (found.size() > limit) {
                main.stderr.printf(
                        Locale.ROOT,
                        "meridian: %,d places match; showing the first %d (--limit)%n",
                        found.size(),
                        limit);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private double[] parsePoint(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length == 2) {
            double lat = Decimals.parse(parts[0].strip());
            double lon = Decimals.parse(parts[1].strip());
            if (!Double.isNaN(lat) && !Double.isNaN(lon)) {
                if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
                    throw OptionTable.usage("--near: lat must be in [-90, 90] and lon in [-180, 180], got " + text);
                }
                return new double[] {lat, lon};
            }
        }
        throw OptionTable.usage("--near expects LAT,LON in degrees (e.g. 48.8566,2.3522), got '" + text + "'");
    }

    private void printNear(ReferenceSet set, double lat, double lon, int count, double max, PrintStream out) {
        RegionIndex countries = regions == null ? Regions.bundled() : Regions.load(regions);
        RegionLocator locator = seaKm == null ? countries.locator() : countries.locator(seaKm);
        out.println(countryLine(locator, lat, lon));
        Searcher searcher = set.index().searcher();
        var neighbors = new Neighbors();
        int found = searcher.nearest(lat, lon, count, max, neighbors);
        header(set, out, true);
        for (int j = 0; j < found; j++) {
            row(set, neighbors.index(j), out);
            out.print('\t');
            out.println(Decimals.distance(neighbors.distanceKm(j)));
        }
        if (found == 0) {
            main.stderr.println("meridian: no place within " + max + " km of " + lat + "," + lon);
        }
    }

    /**
     * {@code # country: FR (FRA) France}, with {@code , at sea N km from its border} in the territorial sea,
     * or {@code # country: none} when no unit contains the point or is near enough.
     */
    static String countryLine(RegionLocator locator, double lat, double lon) {
        int unit = locator.locate(lat, lon);
        if (unit < 0) {
            return "# country: none (no border within " + Decimals.distance(locator.seaKm()) + " km)";
        }
        Region r = locator.index().region(unit);
        var line = new StringBuilder("# country: ");
        line.append(r.alpha2() == null ? "-" : r.alpha2())
                .append(" (")
                .append(r.alpha3() == null ? "-" : r.alpha3())
                .append(") ")
                .append(r.name() == null ? "" : clean(r.name()));
        if (locator.distanceKm() > 0) {
            line.append(", at sea ")
                    .append(Decimals.distance(locator.distanceKm()))
                    .append(" km from its border");
        }
        return line.toString();
    }

    /** Positions of the matching places, best first. */
    static List<Integer> byName(ReferenceSet set, String pattern, Pattern regex) {
        String needle = regex == null ? fold(pattern) : null;
        int popAttr = set.attributeNames().indexOf("population");
        List<Integer> exact = new ArrayList<>();
        List<Integer> prefix = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        boolean asciiNeedle = needle != null && Ascii.isAscii(needle);
        for (int i = 0; i < set.size(); i++) {
            String name = set.placeName(i);
            if (regex != null) {
                String folded = fold(name);
                if (regex.matcher(name).find() || regex.matcher(folded).find()) {
                    (folded.equals(fold(pattern)) ? exact : other).add(i);
                }
                continue;
            }
            // an ASCII name folds to its lower case, of the same length: matched in place, no string made
            String folded = asciiNeedle && Ascii.isAscii(name) ? null : fold(name);
            int at = folded == null ? indexOfIgnoringAsciiCase(name, needle) : folded.indexOf(needle);
            if (at < 0) {
                continue;
            }
            int length = folded == null ? name.length() : folded.length();
            (length == needle.length() ? exact : at == 0 ? prefix : other).add(i);
        }
        Comparator<Integer> order = Comparator.<Integer>comparingLong(i -> -population(set, i, popAttr))
                .thenComparing(set::placeName)
                .thenComparing(set::id);
        var all = new ArrayList<Integer>(exact.size() + prefix.size() + other.size());
        for (List<Integer> group : List.of(exact, prefix, other)) {
            group.sort(order);
            all.addAll(group);
        }
        return all;
    }

    private static long population(ReferenceSet set, int i, int attr) {
        if (attr < 0) {
            return 0;
        }
        String v = set.attribute(i, attr);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Lower case without accents: NFD, combining marks removed ("São Paulo" -> "sao paulo"). */
    static String fold(String s) {
        if (!Ascii.isAscii(s)) {
            s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** Combining marks, which {@link #fold} drops once a name is decomposed (compiled once, not per name). */
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    /**
     * Where the lower-case ASCII {@code needle} first occurs in the ASCII {@code s} compared in lower case, or -1:
     * {@code fold(s).indexOf(needle)} without the folded string.
     */
    static int indexOfIgnoringAsciiCase(String s, String needle) {
        int n = needle.length();
        for (int at = 0; at + n <= s.length(); at++) {
            int j = 0;
            while (j < n && lower(s.charAt(at + j)) == needle.charAt(j)) {
                j++;
            }
            if (j == n) {
                return at;
            }
        }
        return -1;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static void header(ReferenceSet set, PrintStream out, boolean distance) {
        var h = new StringBuilder("id\tname");
        for (String a : set.attributeNames()) {
            h.append('\t').append(a);
        }
        h.append("\tlat\tlon");
        if (distance) {
            h.append("\tdistance_km");
        }
        out.println(h);
    }

    private static void row(ReferenceSet set, int i, PrintStream out) {
        var r = new StringBuilder();
        r.append(clean(set.id(i))).append('\t').append(clean(set.placeName(i)));
        for (int a = 0; a < set.attributeNames().size(); a++) {
            String v = set.attribute(i, a);
            r.append('\t').append(v == null ? "" : clean(v));
        }
        r.append('\t').append(set.lat(i)).append('\t').append(set.lon(i));
        out.print(r);
    }

    /** Tabs and line breaks inside a value would break the table. */
    private static String clean(String s) {
        return s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0
                ? s
                : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
