package meridian.server.refs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountriesTest {
    @Test
    void listsEveryBundledUnitWithItsCodes() throws Exception {
        byte[] json = Countries.bundled().json();
        List<Map<String, String>> units = new ArrayList<>();
        int count = -1;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            Map<String, String> unit = null;
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT ->
                        unit = p.getParsingContext().getParent().inArray() ? new LinkedHashMap<>() : null;
                    case END_OBJECT -> {
                        if (unit != null) {
                            units.add(unit);
                            unit = null;
                        }
                    }
                    case FIELD_NAME -> field = p.currentName();
                    case VALUE_STRING, VALUE_NULL, VALUE_NUMBER_INT -> {
                        if (unit != null) {
                            unit.put(field, t == JsonToken.VALUE_NULL ? null : p.getText());
                        } else if ("count".equals(field)) {
                            count = p.getIntValue();
                        }
                    }
                    default -> {}
                }
            }
        }
        // world-atlas 2.0.2: 255 units, 16 of them without an ISO code
        assertThat(count).isEqualTo(255);
        assertThat(units).hasSize(255);
        assertThat(units.stream().filter(u -> u.get("alpha2") == null)).hasSize(16);
        assertThat(units)
                .contains(Map.of("unit", "0", "alpha2", "ID", "alpha3", "IDN", "numeric", "360", "name", "Indonesia"));
        assertThat(units.stream()
                        .filter(u -> "Kosovo".equals(u.get("name")))
                        .findFirst()
                        .orElseThrow())
                .containsEntry("alpha2", null)
                .containsEntry("numeric", null);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"attribution\":\"Made with Natural Earth");
        assertThat(Countries.bundled().json()).isSameAs(json);
    }
}
