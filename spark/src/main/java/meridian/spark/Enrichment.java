package meridian.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import meridian.core.csv.CsvHeader;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.region.Region;
import meridian.core.region.RegionLocator;
import meridian.core.region.Regions;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-partition step of {@link MeridianSpark#enrich}: each input row comes out once, with its nearest
 * places appended. Resolved on the driver (columns checked against the schema before any job starts),
 * then shipped with the tasks; on the executor a partition takes the JVM's shared set from the broadcast
 * and makes one {@link NearestCursor} for all its rows.
 */
final class Enrichment implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** The struct of one answer: the SQL functions and the k > 1 column use it. */
    static final StructType PLACE = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("name", DataTypes.StringType, true)
            .add("distance_km", DataTypes.DoubleType, false);

    /** The start of the reason given when a valid coordinate has no place within max_km. */
    static final String NO_ANSWER = "no place within ";

    private final BroadcastPlaces places;
    private final int latIndex;
    private final int lonIndex;
    private final String latName;
    private final String lonName;
    private final int k;
    private final double maxKm;
    private final boolean errorColumn;
    private final boolean country;
    private final int width;
    private final StructType output;

    Enrichment(BroadcastPlaces places, StructType input, NearestOptions options) {
        this.places = places;
        List<String> names = Arrays.asList(input.fieldNames());
        this.latIndex = column(names, options.latColumn(), CsvHeader.LAT, "latitude");
        this.lonIndex = column(names, options.lonColumn(), CsvHeader.LON, "longitude");
        this.latName = names.get(latIndex);
        this.lonName = names.get(lonIndex);
        this.k = options.k();
        this.maxKm = options.maxKm();
        this.errorColumn = options.errorColumn() != null;
        this.country = options.country();
        this.width = names.size();
        StructType out = input;
        List<String> added = new ArrayList<>();
        if (k == 1) {
            out = out.add("nearest_id", DataTypes.StringType, true)
                    .add("nearest_name", DataTypes.StringType, true)
                    .add("distance_km", DataTypes.DoubleType, true);
            added.addAll(List.of("nearest_id", "nearest_name", "distance_km"));
        } else {
            out = out.add("nearest", DataTypes.createArrayType(PLACE, false), true);
            added.add("nearest");
        }
        if (country) {
            out = out.add("country", DataTypes.StringType, true)
                    .add("country_name", DataTypes.StringType, true)
                    .add("country_km", DataTypes.DoubleType, true);
            added.addAll(List.of("country", "country_name", "country_km"));
        }
        if (errorColumn) {
            out = out.add(options.errorColumn(), DataTypes.StringType, true);
            added.add(options.errorColumn());
        }
        for (String a : added) {
            for (String n : names) {
                if (n.equalsIgnoreCase(a)) {
                    throw new ConflictException(
                            "column_exists",
                            "the input already has a column '" + n + "'; rename it before enriching",
                            Map.of("field", n));
                }
            }
        }
        this.output = out;
    }

    StructType outputSchema() {
        return output;
    }

    String latName() {
        return latName;
    }

    String lonName() {
        return lonName;
    }

    /** The named column, or the first that the header rule accepts; a clear error when there is none. */
    private static int column(List<String> names, String given, String[] accepted, String what) {
        int i = given != null ? names.indexOf(given) : CsvHeader.column(names, accepted);
        if (i < 0 && given != null) {
            i = CsvHeader.column(names, given);
        }
        if (i < 0) {
            String wanted = given != null ? "'" + given + "'" : String.join("|", accepted);
            throw new InvalidInputException(
                    "missing_column",
                    "no " + what + " column (" + wanted + ") among the columns " + names,
                    Map.of("field", given != null ? given : accepted[0].toLowerCase(Locale.ROOT)));
        }
        return i;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        NearestCursor cursor = new NearestCursor(places.set());
        // the bundled boundaries are one per JVM (Regions.bundled()); a locator per partition, as the cursor
        RegionLocator locator = country ? Regions.bundled().locator() : null;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                return enrich(rows.next(), cursor, locator);
            }
        };
    }

    private Row enrich(Row row, NearestCursor cursor, RegionLocator locator) {
        int extra = (k == 1 ? 3 : 1) + (country ? 3 : 0) + (errorColumn ? 1 : 0);
        Object[] values = new Object[width + extra];
        for (int i = 0; i < width; i++) {
            values[i] = row.get(i);
        }
        Object latValue = values[latIndex];
        Object lonValue = values[lonIndex];
        double lat = Coordinates.number(latValue);
        double lon = Coordinates.number(lonValue);
        String problem = null;
        if (!Coordinates.valid(lat, lon)) {
            problem = Coordinates.problem(lat, latValue, latName, lon, lonValue, lonName);
        } else {
            if (locator != null) {
                int at = width + (k == 1 ? 3 : 1);
                int u = locator.locate(lat, lon);
                if (u >= 0) {
                    Region r = locator.index().region(u);
                    values[at] = r.alpha2();
                    values[at + 1] = r.name();
                    values[at + 2] = locator.distanceKm();
                }
            }
            int found = cursor.find(lat, lon, k, maxKm);
            if (found == 0) {
                problem = NO_ANSWER + maxKm + " km";
            } else if (k == 1) {
                int p = cursor.place(0);
                values[width] = cursor.set().id(p);
                values[width + 1] = cursor.set().placeName(p);
                values[width + 2] = cursor.km(0);
            } else {
                // the row encoder takes a Scala sequence for an array column
                values[width] = scala.collection.immutable.ArraySeq.unsafeWrapArray(answers(cursor, found));
            }
        }
        if (errorColumn) {
            values[values.length - 1] = problem;
        }
        return RowFactory.create(values);
    }

    /** The k > 1 answers as {@link #PLACE} rows, nearest first. */
    static Row[] answers(NearestCursor cursor, int found) {
        Row[] list = new Row[found];
        for (int j = 0; j < found; j++) {
            int p = cursor.place(j);
            list[j] = RowFactory.create(cursor.set().id(p), cursor.set().placeName(p), cursor.km(j));
        }
        return list;
    }
}
