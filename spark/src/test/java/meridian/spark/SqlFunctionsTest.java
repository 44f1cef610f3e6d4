package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlFunctionsTest {
    static SparkSession spark;
    static ReferenceSet cities;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        cities = TestSpark.cities();
        MeridianSpark.register(spark, cities);
        JobIo.csvReader(spark).csv(TestSpark.events().toString()).createOrReplaceTempView("events");
    }

    @Test
    void meridianNearestGivesWhatEnrichGives() {
        // every 7th event: the full file is compared with meridian process in EnrichTest
        List<Row> sql = spark.sql("select id, meridian_nearest(lat, lon) as n from events"
                        + " where cast(id as int) % 7 = 0 order by cast(id as int)")
                .collectAsList();
        List<Row> api = MeridianSpark.enrich(spark.table("events"), cities, NearestOptions.defaults())
                .where("cast(id as int) % 7 = 0")
                .selectExpr("id", "nearest_id", "nearest_name", "distance_km")
                .orderBy(org.apache.spark.sql.functions.expr("cast(id as int)"))
                .collectAsList();
        assertThat(sql).hasSize(20_000 / 7);
        for (int i = 0; i < sql.size(); i++) {
            Row n = sql.get(i).getStruct(1);
            Row a = api.get(i);
            assertThat(sql.get(i).getString(0)).isEqualTo(a.getString(0));
            assertThat(n.getString(0)).isEqualTo(a.getString(1));
            assertThat(n.getString(1)).isEqualTo(a.getString(2));
            assertThat(n.getDouble(2)).isEqualTo(a.getDouble(3));
        }
    }

    @Test
    void fieldsOfTheStructCanBeSelectedAndTheFunctionsAreNullSafe() {
        Row r = spark.sql(
                        "select n.id, n.name, n.distance_km from" + " (select meridian_nearest(48.8566, 2.3522) as n)")
                .first();
        assertThat(r.getString(0)).isEqualTo("2988507"); // GeoNames: Paris
        assertThat(r.getString(1)).isEqualTo("Paris");
        assertThat(r.getDouble(2)).isLessThan(5.0);
        Row nulls = spark.sql("select meridian_nearest(null, 2.0), meridian_nearest(95, 2.0),"
                        + " meridian_nearest('x', '2'), meridian_knn(91, 0, 3, null), meridian_knn(0, 0, 3, 1.0)")
                .first();
        for (int i = 0; i < 5; i++) {
            assertThat(nulls.isNullAt(i)).as("column %d", i).isTrue();
        }
    }

    @Test
    void meridianKnnIsBruteForceInDistanceOrder() {
        List<Row> rows = spark.sql("select lat, lon, meridian_knn(lat, lon, 4, 80.0) as near from events"
                        + " where cast(id as int) % 1000 = 7")
                .collectAsList();
        assertThat(rows).hasSize(20);
        for (Row r : rows) {
            double lat = Double.parseDouble(r.getString(0));
            double lon = Double.parseDouble(r.getString(1));
            var expected = EnrichTest.bruteForce(cities, lat, lon, 4, 80.0);
            if (expected.isEmpty()) {
                assertThat(r.isNullAt(2)).isTrue();
                continue;
            }
            List<Row> near = r.getList(2);
            assertThat(near.stream().map(p -> new EnrichTest.Answer(p.getString(0), p.getDouble(2))))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aBadKFailsTheQueryWithTheReason() {
        assertThatThrownBy(() ->
                        spark.sql("select meridian_knn(1.0, 2.0, 0, null)").collect())
                .hasStackTraceContaining("k must be between 1 and 1000, got 0");
        assertThatThrownBy(() ->
                        spark.sql("select meridian_knn(1.0, 2.0, 2, -1.0)").collect())
                .hasStackTraceContaining("max_km must be a non-negative number");
    }
}
