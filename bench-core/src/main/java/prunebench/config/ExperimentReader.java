package prunebench.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import prunebench.config.ExperimentSpec.DeviceChoice;
import prunebench.data.DatasetRegistry;
import prunebench.model.InputFit;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.prune.InitScale;
import prunebench.prune.StrategyRegistry;
import prunebench.util.Names;

/** Types and validates the whole experiment tree and fills in every default. */
final class ExperimentReader {
    /** Safe as a folder name: {@code results/<name>/}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final ModelRegistry models;
    private final DatasetRegistry datasets;
    private final StrategyReader strategies;
    private final Consumer<Object> reportCheck;
    private final Consumer<String> warnings;

    ExperimentReader(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies,
            Consumer<Object> reportCheck, Consumer<String> warnings) {
        this.models = models;
        this.datasets = datasets;
        this.strategies = new StrategyReader(strategies);
        this.reportCheck = reportCheck;
        this.warnings = warnings;
    }

    /** A planner's error in a strategy of the experiment last read, at its line (StrategyReader#locate). */
    ConfigException locate(ConfigException e) {
        return strategies.locate(e);
    }

    ExperimentSpec read(Field root) {
        Section s = root.section(List.of("name", "model", "dataset", "seeds", "device", "threads", "workers",
                "pretrain", "finetune", "pruning", "report", "save_weights", "budget"));
        String name = name(s.required("name"));
        Field modelField = s.required("model");
        String model = modelField.string();
        if (!models.names().contains(model)) {
            throw modelField.error(Names.unknown("model", model, models.names()));
        }
        Field datasetField = s.required("dataset");
        DatasetSpec dataset = dataset(datasetField);
        checkInput(modelField, dataset);
        List<Long> seeds = s.get("seeds").map(ExperimentReader::seeds).orElse(List.of(0L));
        DeviceChoice device = s.get("device").map(ExperimentReader::device).orElse(DeviceChoice.AUTO);
        int threads = s.get("threads").map(f -> f.intValue(v -> v >= 1 && v <= ExperimentSpec.MAX_THREADS,
                "must be an integer from 1 to " + ExperimentSpec.MAX_THREADS)).orElse(1);
        Integer workers = s.get("workers").map(f -> f.intValue(v -> v >= 1 && v <= ExperimentSpec.MAX_WORKERS,
                "must be an integer from 1 to " + ExperimentSpec.MAX_WORKERS + ", or null")).orElse(null);
        TrainSchedule pretrain = ScheduleReader.read(Optional.of(s.required("pretrain")));
        TrainSchedule finetune = ScheduleReader.read(s.get("finetune"));
        PruningSpec pruning = pruning(s.required("pruning"));
        Map<String, Object> report = s.get("report").map(this::report).orElse(Map.of());
        boolean saveWeights = s.get("save_weights").map(Field::bool).orElse(true);
        double budget = s.get("budget").map(f -> f.number(v -> v > 0 && v <= 1,
                "must be a fraction of the epochs in (0, 1] (1 = the whole protocol)")).orElse(1.0);
        boolean download = datasetField.section(null).get("download").map(Field::bool).orElse(false);
        return new ExperimentSpec(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning,
                report, saveWeights, budget, download);
    }

    /**
     * A model whose poolings would shrink the dataset's images to nothing is refused; one designed for other images
     * (resnet20 on Fashion-MNIST) is named in a warning. Datasets that cannot describe themselves without being read
     * (image folders) are checked when the data is read.
     */
    private void checkInput(Field modelField, DatasetSpec dataset) {
        ModelFactory model = models.get(modelField.string());
        datasets.get(dataset.name()).describe(dataset.name()).ifPresent(shape -> {
            InputFit.refusal(model, dataset.name(), shape).ifPresent(why -> {
                throw modelField.error(why);
            });
            InputFit.warning(model, dataset.name(), shape).ifPresent(why ->
                    warnings.accept("warning: " + modelField.error(why).getMessage()));
        });
    }

    /** Kept raw: the report module owns its keys and checks them; its errors get the line of the key here. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> report(Field f) {
        f.section(null); // a map, with plain keys
        Map<String, Object> raw = (Map<String, Object>) f.raw();
        try {
            reportCheck.accept(raw);
        } catch (ConfigException e) {
            throw f.origins().error(KeyPaths.locate(f, e.getMessage()), e.getMessage());
        }
        return raw;
    }

    private static String name(Field f) {
        String name = f.string();
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw f.error("invalid name '" + name + "': use letters, digits, '.', '_' and '-' (it names the folder "
                    + "results/<name>/)");
        }
        return name;
    }

    private DatasetSpec dataset(Field field) {
        Section s = field.section(List.of("name", "root", "max_train", "max_test", "augment", "validation",
                "download", "normalize"));
        Field nameField = s.required("name");
        String name = nameField.string();
        if (!datasets.names().contains(name)) {
            throw nameField.error(Names.unknown("dataset", name, datasets.names()));
        }
        return new DatasetSpec(name,
                s.get("root").map(Field::string).orElse(null),
                s.get("max_train").map(ExperimentReader::cap).orElse(null),
                s.get("max_test").map(ExperimentReader::cap).orElse(null),
                s.get("augment").map(Field::bool).orElse(null),
                s.get("validation").map(f -> f.intValue(v -> v >= 1,
                        "must be a positive number of training examples to hold out (or null for none)")).orElse(null))
                .withNormalize(s.get("normalize").map(ExperimentReader::normalization).orElse(null));
    }

    private static String normalization(Field f) {
        String key = f.string();
        if (!prunebench.data.Normalization.keys().contains(key)) {
            throw f.error(Names.unknown("normalisation", key, prunebench.data.Normalization.keys()));
        }
        return key;
    }

    private static Integer cap(Field f) {
        return f.intValue(v -> v >= 1, "must be a positive number of examples (or null for all)");
    }

    private static List<Long> seeds(Field field) {
        List<Long> seeds = new ArrayList<>();
        Map<Long, String> seen = new HashMap<>();
        for (Field f : field.nonEmptyList()) {
            long seed = f.integer(v -> v >= 0, "must be a non-negative integer");
            String first = seen.putIfAbsent(seed, f.path());
            if (first != null) {
                throw f.error("duplicate seed " + seed + " (also " + first + ")");
            }
            seeds.add(seed);
        }
        return List.copyOf(seeds);
    }

    private static DeviceChoice device(Field f) {
        String device = f.string();
        List<String> valid = List.of("auto", "cpu", "gpu");
        if (!valid.contains(device)) {
            throw f.error(Names.unknown("device", device, valid));
        }
        return DeviceChoice.valueOf(device.toUpperCase(Locale.ROOT));
    }

    private PruningSpec pruning(Field field) {
        Section s = field.section(List.of("compressions", "prune_classifier", "prune_biases", "strategies",
                "init_scale", "compression_of"));
        List<Double> compressions = new ArrayList<>();
        Map<Double, String> seen = new HashMap<>();
        for (Field f : s.required("compressions").nonEmptyList()) {
            double c = f.number(v -> v >= 1 && v <= PruningSpec.MAX_COMPRESSION, "must be a compression ratio "
                    + "from 1 (dense) to " + PruningSpec.MAX_COMPRESSION_TEXT + " (no network has more parameters)");
            String first = seen.putIfAbsent(c, f.path());
            if (first != null) {
                throw f.error("duplicate compression " + f.string() + " (also " + first + ")");
            }
            compressions.add(c);
        }
        return new PruningSpec(List.copyOf(compressions),
                s.get("prune_classifier").map(Field::bool).orElse(false),
                s.get("prune_biases").map(Field::bool).orElse(false),
                strategies.read(s.required("strategies")),
                s.get("init_scale").map(ExperimentReader::initScale).orElse(InitScale.DENSE),
                s.get("compression_of").map(ExperimentReader::compressionOf).orElse(PruningSpec.ALL));
    }

    private static InitScale initScale(Field f) {
        String scale = f.string();
        if (!InitScale.NAMES.contains(scale)) {
            throw f.error(Names.unknown("init_scale", scale, InitScale.NAMES));
        }
        return InitScale.of(scale);
    }

    private static String compressionOf(Field f) {
        String v = f.string();
        List<String> valid = List.of(PruningSpec.ALL, PruningSpec.PRUNABLE);
        if (!valid.contains(v)) {
            throw f.error(Names.unknown("compression_of", v, valid));
        }
        return v;
    }
}
