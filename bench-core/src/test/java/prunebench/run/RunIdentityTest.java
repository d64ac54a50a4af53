package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ExperimentLoader;
import prunebench.config.ExperimentSpec;
import prunebench.config.Settings;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.testing.TestChannelScores;
import prunebench.testing.TestMagnitude;

/** A run's id and its config come from the same settings: same config, seed and compression iff same run. */
class RunIdentityTest {
    private static final String YAML = """
            name: tiny
            model: lenet5
            dataset: {name: synthetic}
            seeds: [0, 1]
            pretrain: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: 0.05}}
            finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01}}
            pruning: {compressions: [1, 4], strategies: [magnitude, {name: test_channels, label: channels}]}
            """;
    private final StrategyRegistry strategies = new StrategyRegistry(List.of(new TestMagnitude(),
            new TestChannelScores()));
    private final ExperimentLoader loader = new ExperimentLoader(new ModelRegistry(List.of(new LeNet5())),
            new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(8, 8, 1, 28, 10, 7))), Map.of()),
            strategies);

    @Test
    void sameConfigSeedAndCompressionIffSameRunId() {
        List<List<String>> variants = List.of(List.of(),
                List.of("finetune.optimizer.lr=0.02"),
                List.of("pretrain.epochs=3"),
                List.of("finetune.optimizer={name: adam}"),
                List.of("dataset.max_train=100"),
                List.of("dataset.normalize=mean_image"),
                List.of("dataset.normalize=unit", "dataset.validation=10"),
                List.of("pruning.compression_of=prunable"),
                List.of("pruning.prune_biases=true"),
                List.of("seeds=[1, 2]", "pruning.compressions=[4, 8]"),
                List.of("pruning.strategies=[{name: magnitude, label: renamed}]"),
                List.of("pruning.strategies=[{name: magnitude, at: init}]"),
                List.of("pruning.strategies=[{name: magnitude, iterations: 3}]"),
                List.of("pruning.strategies=[{name: magnitude, distribution: layer_densities, layer_densities: "
                        + "{conv1: 0.6, conv2: 0.1, fc1: 0.08, fc2: 0.2, fc3: 0.3}}]"),
                List.of("pruning.strategies=[{name: magnitude, distribution: layer_densities, layer_densities: "
                        + "{conv1: 0.6, conv2: 0.1, fc1: 0.08, fc2: 0.2, fc3: 0.5}}]"),
                List.of("pretrain.penalty={name: l1_bn, weight: 1e-4}"),
                List.of("pruning.init_scale=sparse"), // applies to runs at init only: these are pretrained
                List.of("pruning.strategies=[{name: magnitude, at: init}]", "pruning.init_scale=sparse"),
                List.of("name=other", "threads=2", "device=cpu", "workers=4", "dataset.root=/elsewhere"));
        Map<String, String> idByKey = new HashMap<>();
        Map<String, String> keyById = new HashMap<>();
        for (List<String> overrides : variants) {
            ExperimentSpec spec = loader.parse(YAML, "tiny.yaml", overrides);
            for (RunSpec run : new GridPlanner(strategies).plan(spec)) {
                String config = Settings.configs(Settings.tree(spec.forRun(run.seed(), run.compression(),
                        run.strategy(), run.initScale()))).get(0).config();
                String key = config + "/" + run.seed() + "/" + run.compression();
                String id = run.runId().substring(run.runId().lastIndexOf('-') + 1);
                assertEquals(idByKey.computeIfAbsent(key, k -> id), id, key + " " + overrides);
                assertEquals(keyById.computeIfAbsent(id, k -> key), key, id + " " + overrides);
            }
        }
        // 8 runs of the base, 8 new for each of 8 settings (two normalisations among them), 6 for the new seeds and
        // compressions, 4 for at, for iterations and for a sparse init scale at init, 8 for a pretraining penalty; the
        // label, where or how fast it runs add none, and neither does a sparse init scale for pretrained runs. Two
        // sets of layer_densities add 4 each, as iterations does.
        assertEquals(8 + 8 * 8 + 6 + 4 + 4 + 8 + 4 + 4 + 4, idByKey.size());
    }
}
