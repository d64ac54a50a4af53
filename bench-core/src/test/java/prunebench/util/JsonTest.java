package prunebench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Sample(double a, double b, Double c, long n) {}

    @Test
    void numbersThatAreNotFiniteAreWrittenAsNullAndReadBackAsNaN() {
        String json = Json.pretty().toJson(new Sample(Double.NaN, Double.POSITIVE_INFINITY, 0.5, 3));
        JsonReader strict = new JsonReader(new StringReader(json));
        strict.setStrictness(Strictness.STRICT);
        JsonParser.parseReader(strict); // throws on NaN or Infinity
        assertTrue(json.contains("\"a\": null") && json.contains("\"b\": null"), json);
        Sample back = Json.pretty().fromJson(json, Sample.class);
        assertTrue(Double.isNaN(back.a()) && Double.isNaN(back.b()));
        assertEquals(0.5, back.c());
        assertEquals(3, back.n());
        assertTrue(Double.isNaN(Json.compact().fromJson("{\"a\": NaN, \"n\": 1}", Sample.class).a()),
                "files of earlier versions still read");
    }
}
