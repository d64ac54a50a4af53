package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvedExperimentWriterTest {
    private final ExperimentLoader loader = Fakes.loader();

    @Test
    void writesEveryDefaultInTheUsersKeys() {
        ExperimentSpec spec = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of());
        assertEquals("""
                # Resolved experiment: every default filled in. prunebench reads this file like any other.
                name: quickstart
                model: lenet5
                dataset: {name: fashion-mnist, root: null, max_train: null, max_test: null, augment: null, validation: null}
                seeds: [0, 1]
                device: auto
                threads: 1
                workers: null
                pretrain:
                  epochs: 3
                  batch_size: 128
                  optimizer: {name: sgd, lr: 0.05, momentum: 0.9, nesterov: false, weight_decay: 0.0}
                  lr_schedule: {name: cosine, warmup_epochs: 0.0}
                finetune:
                  epochs: 1
                  batch_size: 128
                  optimizer: {name: sgd, lr: 0.01, momentum: 0.9, nesterov: false, weight_decay: 0.0}
                  lr_schedule: {name: constant, warmup_epochs: 0.0}
                pruning:
                  compressions: [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
                  prune_classifier: false
                  prune_biases: false
                  init_scale: dense
                  compression_of: all
                  strategies:
                  - {name: random, label: random}
                  - {name: global_magnitude, label: global_magnitude}
                  - {name: snip, label: snip-1shot, iterations: 1}
                save_weights: true
                budget: 1.0
                """, ResolvedExperimentWriter.toYaml(spec));
    }

    @Test
    void roundTripsToAnEqualSpec(@TempDir Path dir) throws Exception {
        for (String yaml : List.of(Experiments.QUICKSTART, Experiments.FULL, Experiments.BLOCK)) {
            ExperimentSpec spec = loader.parse(yaml, "in.yaml", List.of());
            Path file = ResolvedExperimentWriter.write(spec, dir.resolve(spec.name()));

            assertEquals(dir.resolve(spec.name()).resolve("resolved-experiment.yaml"), file);
            ExperimentSpec again = loader.load(file);
            assertEquals(spec, again);
            assertEquals(Canonical.hash(spec), Canonical.hash(again));
            assertEquals(Files.readString(file), ResolvedExperimentWriter.toYaml(again)); // a fixed point
        }
    }

    @Test
    void roundTripsAwkwardValues(@TempDir Path dir) throws Exception {
        ExperimentSpec spec = loader.parse(Experiments.BLOCK, "in.yaml", List.of("name=2024",
                "dataset.root='/data/my: set'", "pretrain.optimizer.lr=1e10", "pretrain.optimizer.weight_decay=1e-12",
                "pruning.strategies=[{name: typed, mode: 'yes', alpha: 1e-300, label: 'A label: \"quoted\"'}]",
                "report={when: 2024-01-01, nested: {list: [1, null, x]}, big: 12345678901234567890}"));
        ExperimentSpec again = loader.load(ResolvedExperimentWriter.write(spec, dir));
        assertEquals(spec, again);
        assertEquals("2024", again.name());
        assertEquals("/data/my: set", again.dataset().root());
        assertEquals(1e10, again.pretrain().optimizer().lr());
        assertEquals("yes", again.pruning().strategies().get(0).params().get("mode"));
    }

    @Test
    void keepsEveryInvocationsSettingsAndTheLatestUnderThePlainName(@TempDir Path dir) throws Exception {
        String legacy = "# written by an older version\nname: quickstart\n";
        Files.writeString(dir.resolve("resolved-experiment.yaml"), legacy);
        ExperimentSpec first = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of());
        ExperimentSpec second = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of("finetune.optimizer.lr=0.02"));
        ResolvedExperimentWriter.write(first, dir);
        Path latest = ResolvedExperimentWriter.write(second, dir);
        ResolvedExperimentWriter.write(second, dir); // the same settings again add nothing

        assertEquals(ResolvedExperimentWriter.toYaml(second), Files.readString(latest));
        List<String> kept;
        try (var files = Files.list(dir)) {
            kept = files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("resolved-experiment.yaml"))
                    .sorted().toList();
        }
        List<String> expected = new java.util.ArrayList<>(List.of(ResolvedExperimentWriter.keptName(legacy),
                ResolvedExperimentWriter.keptName(ResolvedExperimentWriter.toYaml(first)),
                ResolvedExperimentWriter.keptName(ResolvedExperimentWriter.toYaml(second))));
        expected.sort(null);
        assertEquals(expected, kept);
        assertEquals(legacy, Files.readString(dir.resolve(ResolvedExperimentWriter.keptName(legacy))));
        assertEquals(first, loader.load(dir.resolve(ResolvedExperimentWriter.keptName(
                ResolvedExperimentWriter.toYaml(first)))));
    }
}
