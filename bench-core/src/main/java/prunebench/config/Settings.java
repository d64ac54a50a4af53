package prunebench.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one definition of how typed settings appear in the user's keys: the experiment as a tree of YAML keys (what
 * {@link ResolvedExperimentWriter} writes and {@link ExperimentLoader} reads back), and, for one strategy of such a
 * tree, its settings flattened to dotted keys ({@code finetune.optimizer.lr}, {@code strategy.temperature}) and their
 * short hash, the run's <em>config</em>.
 *
 * <p>A config is every setting that determines a run's result except the grid axes that tables aggregate over or
 * plot against: the seed, the compression and the strategy's label (a label only names a series; renaming it neither
 * reruns a run nor changes its config, as for the run hash). Where the files live ({@code dataset.root}), the device,
 * thread and worker counts, the experiment's name, {@code save_weights} and the {@code report:} section are not
 * settings of a run either.
 * Two runs with the same config, seed and compression therefore have the same run id.
 */
public final class Settings {
    /** Top-level keys and dotted keys that are not settings of a run (see the class comment). */
    private static final Set<String> NOT_SETTINGS = Set.of("name", "seeds", "device", "threads", "workers",
            "dataset.root", "pruning.compressions", "pruning.strategies", "save_weights", "report");
    /** A strategy's settings appear as {@code strategy.<parameter>}: a list element has no dotted key of its own. */
    public static final String STRATEGY_PREFIX = "strategy.";
    private static final int SHORT_HASH = 8;

    private Settings() {}

    /** One strategy's settings of an experiment tree: its label, its config hash and the settings by dotted key. */
    public record RunConfig(String label, String config, Map<String, Object> values) {}

    /** The experiment in the user's keys, every default filled in, keys in the order of the documentation. */
    public static Map<String, Object> tree(ExperimentSpec spec) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", spec.name());
        root.put("model", spec.model());
        root.put("dataset", dataset(spec.dataset()));
        root.put("seeds", spec.seeds());
        root.put("device", spec.device().name().toLowerCase(Locale.ROOT));
        root.put("threads", spec.threads());
        root.put("workers", spec.workers());
        root.put("pretrain", schedule(spec.pretrain()));
        root.put("finetune", schedule(spec.finetune()));
        root.put("pruning", pruning(spec.pruning()));
        root.put("save_weights", spec.saveWeights());
        if (!spec.report().isEmpty()) {
            root.put("report", spec.report());
        }
        root.put("budget", spec.budget()); // a setting: it scales every epoch count above
        return root;
    }

    /** One {@link RunConfig} per strategy of an experiment tree (as {@link #tree} writes it, or as read back). */
    public static List<RunConfig> configs(Map<String, ?> tree) {
        Map<String, Object> shared = new LinkedHashMap<>();
        flatten("", tree, shared);
        List<RunConfig> configs = new ArrayList<>();
        Object pruning = tree.get("pruning");
        Object strategies = pruning instanceof Map<?, ?> p ? p.get("strategies") : null;
        if (!(strategies instanceof List<?> list)) {
            return configs;
        }
        for (Object s : list) {
            Map<String, Object> values = new LinkedHashMap<>(shared);
            String label;
            if (s instanceof Map<?, ?> m) {
                label = String.valueOf(m.get("label") != null ? m.get("label") : m.get("name"));
                m.forEach((k, v) -> {
                    if (!"label".equals(k)) {
                        values.put(STRATEGY_PREFIX + k, v);
                    }
                });
            } else {
                label = String.valueOf(s); // a bare name, as written in an experiment file
                values.put(STRATEGY_PREFIX + "name", label);
            }
            configs.add(new RunConfig(label, hash(values), values));
        }
        return configs;
    }

    /** The short hash of flattened settings; the key order does not matter. */
    public static String hash(Map<String, Object> values) {
        return Canonical.hash(values).substring(0, SHORT_HASH);
    }

    /**
     * The config of a per-run settings file (an experiment with one strategy); empty when the file is absent or
     * unreadable, so that a damaged file never stops a table from being rebuilt.
     */
    public static Optional<RunConfig> readRun(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<RunConfig> configs = configs(readTree(Files.readString(file)));
            return configs.size() == 1 ? Optional.of(configs.get(0)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A settings file's YAML as a plain tree; a file that is not a map reads as an empty one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readTree(String yaml) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return root instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** How a setting's value is shown in tables and legends: numbers as {@link Canonical} prints them. */
    public static String format(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number n) {
            return Canonical.number(n);
        }
        if (value instanceof String s) {
            return s;
        }
        return Canonical.text(value).replace("\"", "");
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (NOT_SETTINGS.contains(key)) {
                return;
            }
            if (v instanceof Map<?, ?> m) {
                flatten(key + ".", m, out);
            } else {
                out.put(key, v);
            }
        });
    }

    private static Map<String, Object> dataset(DatasetSpec d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("root", d.root());
        m.put("max_train", d.maxTrain());
        m.put("max_test", d.maxTest());
        m.put("augment", d.augment());
        m.put("validation", d.validation());
        if (d.normalize() != null) { // absent when unset: the identities of runs written before it stay
            m.put("normalize", d.normalize());
        }
        return m;
    }

    private static Map<String, Object> schedule(TrainSchedule t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", t.epochs());
        m.put("batch_size", t.batchSize());
        m.put("optimizer", optimizer(t.optimizer()));
        m.put("lr_schedule", lrSchedule(t.lrSchedule()));
        if (t.penalty() != null) { // absent when unset: configs of runs without one stay as they were
            m.put("penalty", penalty(t.penalty()));
        }
        return m;
    }

    private static Map<String, Object> penalty(PenaltySpec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("weight", p.weight());
        if (p.groups() != null) {
            m.put("groups", p.groups());
        }
        if (p.settings() != null) {
            m.put("settings", new java.util.TreeMap<>(p.settings()));
        }
        if (p.keep() != null) {
            m.put("keep", p.keep());
        }
        return m;
    }

    /** Only the chosen optimizer's keys: the others are not valid for it. */
    private static Map<String, Object> optimizer(OptimizerSpec o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("lr", o.lr());
        switch (o.name()) {
            case "sgd" -> {
                m.put("momentum", o.momentum());
                m.put("nesterov", o.nesterov());
            }
            case "adam" -> {
                m.put("beta1", o.beta1());
                m.put("beta2", o.beta2());
                m.put("eps", o.eps());
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + o.name() + "'");
        }
        m.put("weight_decay", o.weightDecay());
        return m;
    }

    private static Map<String, Object> lrSchedule(LrScheduleSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("warmup_epochs", s.warmupEpochs());
        if (s.name().equals("step")) {
            m.put("milestones", s.milestones());
            m.put("gamma", s.gamma());
        }
        return m;
    }

    private static Map<String, Object> pruning(PruningSpec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("compressions", p.compressions());
        m.put("prune_classifier", p.pruneClassifier());
        m.put("prune_biases", p.pruneBiases());
        m.put("init_scale", p.initScale().name().toLowerCase(Locale.ROOT));
        m.put("compression_of", p.compressionOf());
        List<Object> strategies = new ArrayList<>();
        for (StrategySpec s : p.strategies()) {
            Map<String, Object> strategy = new LinkedHashMap<>();
            strategy.put("name", s.name());
            strategy.put("label", s.label());
            strategy.putAll(s.params());
            strategies.add(strategy);
        }
        m.put("strategies", strategies);
        return m;
    }
}
