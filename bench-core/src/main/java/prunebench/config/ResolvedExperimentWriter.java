package prunebench.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The fully resolved experiment, every default written out, as YAML in the user's own keys: what a run actually
 * used, kept next to its results. {@link ExperimentLoader} reads it back to an equal {@link ExperimentSpec}.
 */
public final class ResolvedExperimentWriter {
    public static final String FILE_NAME = "resolved-experiment.yaml";

    private ResolvedExperimentWriter() {}

    /** Writes {@code dir/resolved-experiment.yaml} (creating {@code dir}) and returns its path. */
    public static Path write(ExperimentSpec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(FILE_NAME), toYaml(spec));
    }

    public static String toYaml(ExperimentSpec spec) {
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
        root.put("budget", spec.budget());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO); // maps and lists of scalars on one line
        options.setWidth(120);
        return "# Resolved experiment: every default filled in. prunebench reads this file like any other.\n"
                + new Yaml(options).dump(root);
    }

    private static Map<String, Object> dataset(DatasetSpec d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("root", d.root());
        m.put("max_train", d.maxTrain());
        m.put("max_test", d.maxTest());
        m.put("augment", d.augment());
        m.put("validation", d.validation());
        return m;
    }

    private static Map<String, Object> schedule(TrainSchedule t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", t.epochs());
        m.put("batch_size", t.batchSize());
        m.put("optimizer", optimizer(t.optimizer()));
        m.put("lr_schedule", lrSchedule(t.lrSchedule()));
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
        m.put("init_scale", p.initScale().name().toLowerCase(java.util.Locale.ROOT));
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
