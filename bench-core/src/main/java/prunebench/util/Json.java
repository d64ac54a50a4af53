package prunebench.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * The JSON every result file is written with: strict JSON that any parser reads, so a number that is not finite
 * (an accuracy never measured, a diverged loss) is written {@code null}, never a bare {@code NaN} or
 * {@code Infinity}, and a {@code null} (or a {@code NaN} from files of earlier versions) reads back as NaN.
 */
public final class Json {
    private static final TypeAdapter<Double> DOUBLES = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                out.nullValue();
            } else {
                out.value(value.doubleValue());
            }
        }

        @Override
        public Double read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return Double.NaN;
            }
            return in.nextDouble();
        }
    };

    private static final Gson PRETTY = builder().setPrettyPrinting().create();
    private static final Gson COMPACT = builder().create();

    private Json() {}

    private static GsonBuilder builder() {
        return new GsonBuilder().serializeNulls().registerTypeAdapter(double.class, DOUBLES)
                .registerTypeAdapter(Double.class, DOUBLES);
    }

    /** Indented, for files people read (metrics.json, manifest.json). */
    public static Gson pretty() {
        return PRETTY;
    }

    /** On one line, for bookkeeping files (checkpoint.json). */
    public static Gson compact() {
        return COMPACT;
    }
}
