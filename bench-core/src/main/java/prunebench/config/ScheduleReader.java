package prunebench.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import prunebench.util.Names;

/** {@code pretrain:} / {@code finetune:} blocks: epochs, batch size, optimizer and learning-rate schedule. */
final class ScheduleReader {
    static final int DEFAULT_BATCH_SIZE = 128;
    /** Each optimizer's and schedule's keys, so that a key of another one gets a precise message. */
    private static final Map<String, List<String>> OPTIMIZER_KEYS = Map.of(
            "sgd", List.of("name", "lr", "momentum", "nesterov", "weight_decay"),
            "adam", List.of("name", "lr", "beta1", "beta2", "eps", "weight_decay"));
    private static final Map<String, List<String>> LR_SCHEDULE_KEYS = Map.of(
            "constant", List.of("name", "warmup_epochs"),
            "step", List.of("name", "warmup_epochs", "milestones", "gamma"),
            "cosine", List.of("name", "warmup_epochs"));

    private ScheduleReader() {}

    /** An absent block (only finetune may be) trains for 0 epochs with the defaults. */
    static TrainSchedule read(Optional<Field> block) {
        if (block.isEmpty()) {
            return new TrainSchedule(0, DEFAULT_BATCH_SIZE, optimizer(Optional.empty()), lrSchedule(Optional.empty()));
        }
        Section s = block.get().section(List.of("epochs", "batch_size", "optimizer", "lr_schedule", "penalty"));
        int epochs = s.required("epochs").intValue(v -> v >= 0, "must be a non-negative integer");
        int batchSize = s.get("batch_size")
                .map(f -> f.intValue(v -> v >= 1, "must be a positive integer")).orElse(DEFAULT_BATCH_SIZE);
        return new TrainSchedule(epochs, batchSize, optimizer(s.get("optimizer")), lrSchedule(s.get("lr_schedule")),
                s.get("penalty").map(ScheduleReader::penalty).orElse(null));
    }

    /** {@code penalty: {name: l1_bn | group_lasso, weight: w, groups: filters | channels | both}}. */
    static PenaltySpec penalty(Field block) {
        Section any = block.section(null);
        String name = any.required("name").string();
        if (!PenaltySpec.NAMES.contains(name)) {
            throw any.required("name").error(Names.unknown("penalty", name, PenaltySpec.NAMES));
        }
        boolean lasso = name.equals(PenaltySpec.GROUP_LASSO);
        Section s = block.section(lasso ? List.of("name", "weight", "groups") : List.of("name", "weight"));
        double weight = s.required("weight").number(v -> v >= 0 && Double.isFinite(v),
                "must be a non-negative number");
        String groups = null;
        if (lasso) {
            groups = s.get("groups").map(f -> {
                String g = f.string();
                if (!PenaltySpec.GROUPS.contains(g)) {
                    throw f.error(Names.unknown("groups", g, PenaltySpec.GROUPS));
                }
                return g;
            }).orElse("filters");
        }
        return new PenaltySpec(name, weight, groups);
    }

    /** sgd by default; keys other than the chosen optimizer's are errors. Unused fields are 0 / false. */
    static OptimizerSpec optimizer(Optional<Field> block) {
        String name = block.isEmpty() ? "sgd" : name(block.get(), "optimizer", OPTIMIZER_KEYS.keySet(), "sgd");
        Optional<Section> s = block.map(f -> section(f, name, OPTIMIZER_KEYS));
        if (name.equals("sgd")) {
            double lr = lr(s, 0.1);
            double momentum = s.flatMap(x -> x.get("momentum"))
                    .map(f -> f.number(v -> v >= 0, "must be a non-negative number")).orElse(0.9);
            boolean nesterov = s.flatMap(x -> x.get("nesterov")).map(Field::bool).orElse(false);
            if (nesterov && momentum == 0) {
                throw s.get().get("nesterov").get().error("nesterov needs a positive momentum");
            }
            return new OptimizerSpec(name, lr, momentum, nesterov, weightDecay(s), 0, 0, 0);
        }
        double beta1 = s.flatMap(x -> x.get("beta1")).map(ScheduleReader::beta).orElse(0.9);
        double beta2 = s.flatMap(x -> x.get("beta2")).map(ScheduleReader::beta).orElse(0.999);
        double eps = s.flatMap(x -> x.get("eps")).map(f -> f.number(v -> v > 0, "must be a positive number"))
                .orElse(1e-8);
        return new OptimizerSpec(name, lr(s, 0.001), 0, false, weightDecay(s), beta1, beta2, eps);
    }

    private static double lr(Optional<Section> s, double fallback) {
        return s.flatMap(x -> x.get("lr")).map(f -> f.number(v -> v > 0, "must be a positive number"))
                .orElse(fallback);
    }

    private static double weightDecay(Optional<Section> s) {
        return s.flatMap(x -> x.get("weight_decay"))
                .map(f -> f.number(v -> v >= 0, "must be a non-negative number")).orElse(0.0);
    }

    private static double beta(Field f) {
        return f.number(v -> v >= 0 && v < 1, "must be in [0, 1)");
    }

    /** constant by default; milestones and gamma belong to step only. */
    static LrScheduleSpec lrSchedule(Optional<Field> block) {
        String name = block.isEmpty()
                ? "constant" : name(block.get(), "lr schedule", LR_SCHEDULE_KEYS.keySet(), "constant");
        Optional<Section> s = block.map(f -> section(f, name, LR_SCHEDULE_KEYS));
        double warmup = s.flatMap(x -> x.get("warmup_epochs"))
                .map(f -> f.number(v -> v >= 0, "must be a non-negative number")).orElse(0.0);
        double gamma = s.flatMap(x -> x.get("gamma"))
                .map(f -> f.number(v -> v > 0, "must be a positive number")).orElse(0.1);
        List<Integer> milestones = List.of();
        if (name.equals("step")) {
            milestones = milestones(s.get().required("milestones"));
        }
        return new LrScheduleSpec(name, warmup, milestones, gamma);
    }

    private static List<Integer> milestones(Field field) {
        List<Integer> epochs = new ArrayList<>();
        for (Field f : field.nonEmptyList()) {
            int epoch = f.intValue(v -> v >= 1, "must be a positive integer (an epoch)");
            if (!epochs.isEmpty() && epoch <= epochs.get(epochs.size() - 1)) {
                throw f.error("milestones must increase, got " + epoch + " after " + epochs.get(epochs.size() - 1));
            }
            epochs.add(epoch);
        }
        return List.copyOf(epochs);
    }

    /** The block's keys checked against those of {@code name}; a key of a sibling says whose it is. */
    private static Section section(Field block, String name, Map<String, List<String>> keysByName) {
        Section any = block.section(null);
        List<String> valid = keysByName.get(name);
        for (String key : any.keys()) {
            if (!valid.contains(key)) {
                keysByName.entrySet().stream().filter(e -> e.getValue().contains(key)).map(Map.Entry::getKey)
                        .sorted().findFirst().ifPresent(owner -> {
                            throw block.origins().error(any.entry(key).key(), "unknown key '" + key + "' in "
                                    + block.path() + ": it belongs to " + owner + ", not " + name);
                        });
            }
        }
        return block.section(valid);
    }

    /** The {@code name} of an optimizer or schedule block, which decides its valid keys. */
    private static String name(Field block, String what, Collection<String> valid, String fallback) {
        Section any = block.section(null);
        return any.get("name").map(f -> {
            String n = f.string();
            if (!valid.contains(n)) {
                throw f.error(Names.unknown(what, n, valid));
            }
            return n;
        }).orElse(fallback);
    }
}
