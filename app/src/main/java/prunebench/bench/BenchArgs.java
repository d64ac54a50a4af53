package prunebench.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A measurement's arguments after its name: {@code --name value} options and the positional ones, in order. */
final class BenchArgs {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    BenchArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
    }

    /** The first positional argument: the model, strategy or dataset measured. */
    String subject() {
        return positional.get(0);
    }

    /** The option's value, or null where it is not given. */
    String option(String name) {
        return options.get(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int intOption(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    /** The sizes of a timed training or inference loop, from {@code --batch --steps --reps --warmup-epochs}. */
    LoopSizes loopSizes() {
        return new LoopSizes(intOption("batch", 128), intOption("steps", 10), intOption("reps", 5),
                intOption("warmup-epochs", 2));
    }

    /**
     * A timed loop: {@code reps} timed repetitions of {@code steps} batches of {@code batch}, after {@code warmup}
     * untimed ones.
     */
    record LoopSizes(int batch, int steps, int reps, int warmup) {
    }
}
