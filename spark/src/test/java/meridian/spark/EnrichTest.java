package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.core.text.Decimals;
import meridian.testkit.Seeds;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class EnrichTest {
    static SparkSession spark;
    static ReferenceSet cities;
    static ReferenceSet airports;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        cities = TestSpark.cities();
        airports = ReferenceSetReader.load(TestSpark.airports(), ErrorPolicy.FAIL_FAST)
                .set();
    }

    private static Dataset<Row> events() {
        return JobIo.csvReader(spark).csv(TestSpark.events().toString());
    }

    /** Each Spark row as the CLI writes it: the input fields as read, then the answer columns. */
    private static List<String> asCsv(Dataset<Row> enriched, int inputWidth, int k) {
        List<String> lines = new ArrayList<>();
        for (Row r : enriched.collectAsList()) {
            var sb = new StringBuilder();
            for (int i = 0; i < inputWidth; i++) {
                sb.append(i == 0 ? "" : ",").append(r.getString(i));
            }
            if (k == 1) {
                sb.append(',').append(field(r.getString(inputWidth)));
                sb.append(',').append(field(r.getString(inputWidth + 1)));
                sb.append(',').append(Decimals.distance(r.getDouble(inputWidth + 2)));
            } else {
                List<Row> near = r.getList(inputWidth);
                for (int j = 0; j < k; j++) {
                    if (near != null && j < near.size()) {
                        Row p = near.get(j);
                        sb.append(',').append(field(p.getString(0))).append(',').append(field(p.getString(1)));
                        sb.append(',').append(Decimals.distance(p.getDouble(2)));
                    } else {
                        sb.append(",,,");
                    }
                }
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    private static String field(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    @Test
    void the20000EventsAgainstTheCitiesEqualMeridianProcessRowForRow() {
        Dataset<Row> in = events();
        assertThat(in.javaRDD().getNumPartitions()).isGreaterThanOrEqualTo(4);
        Dataset<Row> out = MeridianSpark.enrich(in, cities, NearestOptions.defaults());
        assertThat(out.javaRDD().getNumPartitions()).isEqualTo(in.javaRDD().getNumPartitions());
        List<String> expected = TestSpark.cliProcess(TestSpark.events(), cities, 1, Double.POSITIVE_INFINITY);
        List<String> actual = asCsv(out, in.columns().length, 1);
        assertThat(actual).hasSize(20_000);
        assertThat(actual).containsExactlyElementsOf(expected.subList(1, expected.size()));
    }

    @Test
    void theEventsAgainstTheAirportsWithKAndMaxKmEqualMeridianProcess() {
        Dataset<Row> in = events();
        var options = NearestOptions.defaults().withK(3).withMaxKm(25);
        List<String> actual = asCsv(MeridianSpark.enrich(in, airports, options), in.columns().length, 3);
        List<String> expected = TestSpark.cliProcess(TestSpark.events(), airports, 3, 25);
        assertThat(actual).containsExactlyElementsOf(expected.subList(1, expected.size()));
        // the file does exercise partial and empty answers
        assertThat(actual).anyMatch(l -> l.endsWith(",,,"));
        assertThat(actual).anyMatch(l -> !l.endsWith(",,,"));
    }

    private static final StructType POINTS = new StructType()
            .add("id", DataTypes.StringType)
            .add("latitude", DataTypes.StringType)
            .add("lng", DataTypes.DoubleType);

    @Test
    void nullsAndOutOfRangeCoordinatesKeepTheirRowWithNullsAndAReason() {
        var rows = List.of(
                RowFactory.create("ok", "48.8566", 2.3522),
                RowFactory.create("null-lat", null, 2.0),
                RowFactory.create("null-lon", "10", null),
                RowFactory.create("text", "north", 2.0),
                RowFactory.create("lat-91", "91", 2.0),
                RowFactory.create("lon-181", "0", 181.0),
                RowFactory.create("nan", "0", Double.NaN),
                RowFactory.create("pole", " 90 ", -180.0));
        Dataset<Row> in = spark.createDataFrame(rows, POINTS).repartition(3);
        List<Row> out = MeridianSpark.enrich(
                        in, cities, NearestOptions.defaults().withErrorColumn("why"))
                .orderBy("id")
                .collectAsList();
        assertThat(out).hasSize(rows.size());
        for (Row r : out) {
            String id = r.getString(0);
            String why = r.getString(6);
            if (id.equals("ok") || id.equals("pole")) {
                double lat = Double.parseDouble(r.getString(1).strip());
                assertThat(why).isNull();
                Answer best = bruteForce(cities, lat, r.getDouble(2), 1, Double.POSITIVE_INFINITY)
                        .getFirst();
                assertThat(r.getDouble(5)).isEqualTo(best.km());
                assertThat(cities.id(cities.index().nearest(lat, r.getDouble(2))))
                        .isEqualTo(r.getString(3));
            } else {
                assertThat(r.isNullAt(3)).as(id).isTrue();
                assertThat(r.isNullAt(4)).isTrue();
                assertThat(r.isNullAt(5)).isTrue();
                assertThat(why).as(id).isNotNull();
            }
        }
        assertThat(reason(out, "null-lat")).isEqualTo("latitude: value is missing");
        assertThat(reason(out, "text")).isEqualTo("latitude: 'north' is not a decimal number");
        assertThat(reason(out, "lat-91")).isEqualTo("latitude: latitude 91 is out of range [-90, 90]");
        assertThat(reason(out, "lon-181")).isEqualTo("lng: longitude 181.0 is out of range [-180, 180]");
    }

    private static String reason(List<Row> rows, String id) {
        return rows.stream()
                .filter(r -> r.getString(0).equals(id))
                .findFirst()
                .orElseThrow()
                .getString(6);
    }

    record Answer(String id, double km) {}

    /** Every place's haversine distance, sorted by (distance, id): the definition, no index involved. */
    static List<Answer> bruteForce(ReferenceSet set, double lat, double lon, int k, double maxKm) {
        List<Answer> all = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            double d = Earth.haversineKm(lat, lon, set.lat(i), set.lon(i));
            if (d <= maxKm) {
                all.add(new Answer(set.id(i), d));
            }
        }
        all.sort(Comparator.comparingDouble(Answer::km).thenComparing(Answer::id));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Test
    void kNearestAreBruteForceInDistanceOrderWithNothingWithinMaxKmAsNull() {
        long seed = Seeds.seed();
        var random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double lat = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
            double lon = random.nextDouble() * 360 - 180;
            rows.add(RowFactory.create("p" + i, Double.toString(lat), lon));
        }
        Dataset<Row> in = spark.createDataFrame(rows, POINTS).repartition(4);
        int k = 5;
        double maxKm = 300;
        List<Row> out = MeridianSpark.enrich(
                        in, cities, NearestOptions.defaults().withK(k).withMaxKm(maxKm))
                .collectAsList();
        int empty = 0;
        for (Row r : out) {
            double lat = Double.parseDouble(r.getString(1));
            List<Answer> expected = bruteForce(cities, lat, r.getDouble(2), k, maxKm);
            if (expected.isEmpty()) {
                assertThat(r.isNullAt(3))
                        .as("nothing within %s km gives null", maxKm)
                        .isTrue();
                empty++;
                continue;
            }
            List<Row> near = r.getList(3);
            assertThat(near.stream().map(p -> new Answer(p.getString(0), p.getDouble(2))))
                    .as("seed %d row %s", seed, r.getString(0))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(empty).as("the open ocean gives rows without an answer").isPositive();
    }

    @Test
    void tiesAreBrokenByIdEvenAcrossTheKthPlace() {
        // five places on one spot, given in an order unrelated to their ids, and one a little farther
        var places = new ArrayList<Place>();
        for (String id : List.of("e", "b", "d", "a", "c")) {
            places.add(new Place(id, "same spot " + id, 10.0, 20.0, java.util.Map.of()));
        }
        places.add(new Place("0-far", "farther", 10.5, 20.0, java.util.Map.of()));
        for (int i = 0; i < 40; i++) {
            places.add(new Place("x" + i, "elsewhere", -40.0 + i, -100.0, java.util.Map.of()));
        }
        ReferenceSet set = ReferenceSet.of("ties", places);
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create("q", "10.1", 20.0)), POINTS);
        for (int k : new int[] {2, 3, 5, 6}) {
            List<Row> near = MeridianSpark.enrich(
                            in, set, NearestOptions.defaults().withK(k))
                    .first()
                    .getList(3);
            List<String> ids = near.stream().map(p -> p.getString(0)).toList();
            assertThat(ids).isEqualTo(List.of("a", "b", "c", "d", "e", "0-far").subList(0, k));
        }
    }

    @Test
    void theIndexIsBuiltOncePerJvmNotPerTask() {
        ReferenceSet set = ReferenceSet.of(
                "once",
                List.of(
                        new Place("n", "north", 60, 10, java.util.Map.of()),
                        new Place("s", "south", -60, 10, java.util.Map.of())));
        BroadcastPlaces places = MeridianSpark.broadcast(spark, set);
        assertThat(MeridianSpark.broadcast(spark, set)).isSameAs(places);
        BroadcastPlaces.forgetBuilt(places.id()); // as on an executor that has not seen it yet
        long before = BroadcastPlaces.builds();
        Dataset<Row> in = events().repartition(8);
        long answered = MeridianSpark.enrich(in, places, NearestOptions.defaults())
                .where("nearest_id is not null")
                .count();
        assertThat(answered).isEqualTo(20_000);
        assertThat(BroadcastPlaces.builds() - before).isEqualTo(1);
    }

    @Test
    void aMissingOrTakenColumnIsAnErrorBeforeAnyJob() {
        Dataset<Row> noLat = spark.sql("select 1 as id, 2.0 as lon");
        assertThatThrownBy(() -> MeridianSpark.enrich(noLat, cities, NearestOptions.defaults()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no latitude column (lat|latitude)");
        Dataset<Row> taken = spark.sql("select 1.0 as lat, 2.0 as lon, 'x' as nearest_id");
        assertThatThrownBy(() -> MeridianSpark.enrich(taken, cities, NearestOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("nearest_id");
        assertThatThrownBy(() -> NearestOptions.defaults().withK(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> NearestOptions.defaults().withMaxKm(-1)).isInstanceOf(InvalidInputException.class);
    }
}
