package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import prunebench.config.ExperimentLoader;
import prunebench.config.ExperimentSpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.run.GridPlanner;
import prunebench.run.RunOutline;
import prunebench.run.RunSpec;

/**
 * Every experiment shipped in {@code experiments/} resolves each strategy to the timing and training budget its file
 * describes (in its comments): a strategy listed "at init" really prunes the initialisation and trains, and no
 * shipped run scores a pruned trained network without training it. A new experiment file needs a line here.
 */
class ShippedExperimentsTest {
    private static final Path DIR = Path.of("..", "experiments");

    /** What each file says: per label, the timing and the epochs trained after pruning. */
    private static final Map<String, Map<String, String>> EXPECTED = Map.ofEntries(
            Map.entry("quickstart.yaml", Map.of(
                    "random", "pretrained, fine-tunes 1 epoch",
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "layer_magnitude", "pretrained, fine-tunes 1 epoch",
                    "global_gradient", "pretrained, fine-tunes 1 epoch",
                    "layer_gradient", "pretrained, fine-tunes 1 epoch")),
            // "all applied to the seed's initial weights; each sparse network then trains for the pretrain epochs"
            Map.entry("init-lenet5.yaml", Map.of(
                    "snip", "init, trains 1 epoch sparse",
                    "grasp", "init, trains 1 epoch sparse",
                    "synflow", "init, trains 1 epoch sparse",
                    "random", "init, trains 1 epoch sparse",
                    "global_magnitude", "init, trains 1 epoch sparse",
                    "snip_isometry", "init, trains 1 epoch sparse",
                    "random_isometry", "init, trains 1 epoch sparse")),
            // "Pruning at init trains pretrain + finetune epochs ... so all 160 epochs are in pretrain"
            Map.entry("init-resnet20-cifar.yaml", Map.of(
                    "snip", "init, trains 160 epochs sparse",
                    "grasp", "init, trains 160 epochs sparse",
                    "synflow", "init, trains 160 epochs sparse",
                    "random", "init, trains 160 epochs sparse")),
            // pretrain 160 + finetune 40; "Pruning at initialisation and dynamic sparse training train sparse for
            // pretrain + finetune epochs"
            Map.entry("resnet20-cifar.yaml", Map.of(
                    "random", "pretrained, fine-tunes 40 epochs",
                    "global_magnitude", "pretrained, fine-tunes 40 epochs",
                    "layer_magnitude", "pretrained, fine-tunes 40 epochs",
                    "global_gradient", "pretrained, fine-tunes 40 epochs",
                    "snip", "init, trains 200 epochs sparse",
                    "synflow", "init, trains 200 epochs sparse",
                    "rigl", "dynamic, trains 200 epochs sparse")),
            // "at an equal budget of 4 epochs ... global magnitude pruning of a network pretrained for 3 epochs then
            // fine-tuned for 1"
            Map.entry("sparse-training-lenet5.yaml", Map.of(
                    "rigl", "dynamic, trains 4 epochs sparse",
                    "set", "dynamic, trains 4 epochs sparse",
                    "static_random", "init, trains 4 epochs sparse",
                    "global_magnitude", "pretrained, fine-tunes 1 epoch")),
            // "Each level retrains for the dense training's 2 epochs"
            // "and soft filter pruning from scratch train for the whole budget of 4 epochs; dynamic network surgery and
            // global magnitude prune the network pretrained for 3 epochs while (surgery) or before (magnitude)
            // fine-tuning it for 1 epoch, and Taylor removes whole channels of it ... before fine-tuning it for 1 epoch"
            Map.entry("training-time-lenet5.yaml", Map.of(
                    "snfs", "dynamic, trains 4 epochs sparse",
                    "dsr", "dynamic, trains 4 epochs sparse",
                    "rigl", "dynamic, trains 4 epochs sparse",
                    "network_surgery", "pretrained, fine-tunes 1 epoch",
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "soft_filter_removed", "dynamic, trains 4 epochs sparse",
                    "taylor", "pretrained, fine-tunes 1 epoch",
                    "taylor_iterative", "pretrained, fine-tunes 1 epoch")),
            Map.entry("lottery-lenet300.yaml", Map.of(
                    "lottery", "pretrained, levels of 20% to 50x, retrains 2 epochs each",
                    "reinit", "pretrained, levels of 20% to 50x, retrains 2 epochs each",
                    "shuffle", "pretrained, levels of 20% to 50x, retrains 2 epochs each",
                    "finetune", "pretrained, levels of 20% to 50x, retrains 2 epochs each",
                    "lr_rewind", "pretrained, levels of 20% to 50x, retrains 2 epochs each")),
            // "each level retrains with the dense schedule" (160 epochs)
            Map.entry("lottery-resnet20-cifar.yaml", Map.of(
                    "rewind_500", "pretrained, levels of 20% to 64x, retrains 160 epochs each",
                    "lottery_init", "pretrained, levels of 20% to 64x, retrains 160 epochs each",
                    "reinit", "pretrained, levels of 20% to 64x, retrains 160 epochs each",
                    "shuffle", "pretrained, levels of 20% to 64x, retrains 160 epochs each",
                    "lr_rewind", "pretrained, levels of 20% to 64x, retrains 160 epochs each",
                    "finetune", "pretrained, levels of 20% to 64x, retrains 160 epochs each")),
            // "learn for 2 epochs on it, prune and fine-tune for 1"; "searches its ticket from the initialisation for 2
            // epochs ... then trains the ticket for the pretrain + finetune budget, 4 epochs sparse"
            Map.entry("learned-masks-lenet5.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "l0", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "variational_dropout", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "continuous_sparsification", "init, learns 2 epochs, trains 4 epochs sparse",
                    "group_lasso", "pretrained, learns 2 epochs, fine-tunes 1 epoch")),
            // "Each learns its gates on the network pretrained for 3 epochs for 2 epochs ... prunes ... and
            // fine-tunes for 1 epoch"
            // "Each learns its gates on the pretrained network for 2 epochs, is pruned ... and fine-tuned for 1"
            Map.entry("bayesian-lenet5.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "sbp", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "bayesian_compression", "pretrained, learns 2 epochs, fine-tunes 1 epoch")),
            Map.entry("mask-learning-lenet5.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "l0", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "sparse_gates", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "autoprune", "pretrained, learns 2 epochs, fine-tunes 1 epoch")),
            // "first trains that pretrained network with its penalty for 2 epochs ... and fine-tunes for 1"
            Map.entry("penalty-lenet5.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "l_half", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "swd", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "lc", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "joint_sparsity", "pretrained, learns 2 epochs, fine-tunes 1 epoch",
                    "auto_balanced", "pretrained, learns 2 epochs, fine-tunes 1 epoch")),
            // "l1_filter ... fine-tunes 40 epochs; group_lasso and vacl first train it 40 epochs with their penalty"
            Map.entry("vacl-resnet20-cifar.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 40 epochs",
                    "group_lasso", "pretrained, learns 40 epochs, fine-tunes 40 epochs",
                    "vacl", "pretrained, learns 40 epochs, fine-tunes 40 epochs",
                    "vacl_v10", "pretrained, learns 40 epochs, fine-tunes 40 epochs",
                    "vacl_inner", "pretrained, learns 40 epochs, fine-tunes 40 epochs")),
            Map.entry("slimming-resnet20-fashion.yaml", Map.of(
                    "bn_scale", "pretrained, fine-tunes 1 epoch",
                    "slimming", "pretrained, fine-tunes 1 epoch",
                    "slimming_s1e-2", "pretrained, fine-tunes 1 epoch")),
            // "then one epoch of fine-tuning as for l1_filter"
            Map.entry("learning-to-prune-lenet5.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 1 epoch",
                    "learning_to_prune", "pretrained, fine-tunes 1 epoch",
                    "ltp_b5", "pretrained, fine-tunes 1 epoch")),
            // "the same fraction removed per layer, then one epoch of fine-tuning"
            Map.entry("pcas-lenet5.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 1 epoch",
                    "pcas", "pretrained, fine-tunes 1 epoch",
                    "pcas_global", "pretrained, fine-tunes 1 epoch")),
            // "Then both are fine-tuned alike" (one epoch)
            Map.entry("amc-lenet5.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 1 epoch",
                    "amc", "pretrained, fine-tunes 1 epoch")),
            Map.entry("channel-pruning-lenet5.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 1 epoch",
                    "channel_pruning", "pretrained, fine-tunes 1 epoch",
                    "channel_pruning_no_ls", "pretrained, fine-tunes 1 epoch")),
            Map.entry("structured-lenet5.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 1 epoch",
                    "l1_filter", "pretrained, fine-tunes 1 epoch",
                    "l1_filter_global", "pretrained, fine-tunes 1 epoch",
                    "random_filter", "pretrained, fine-tunes 1 epoch")),
            Map.entry("structured-vgg16-cifar.yaml", Map.of(
                    "global_magnitude", "pretrained, fine-tunes 10 epochs",
                    "l1_filter", "pretrained, fine-tunes 10 epochs",
                    "bn_scale", "pretrained, fine-tunes 10 epochs",
                    "bn_scale_speedup", "pretrained, fine-tunes 10 epochs",
                    "random_filter", "pretrained, fine-tunes 10 epochs")),
            // "baseline 160 epochs ... retrain 40 epochs"
            Map.entry("papers/li2017-vgg16-cifar10.yaml", Map.of(
                    "pruned_a", "pretrained, fine-tunes 40 epochs")),
            // "pruning at initialisation, then 160 epochs of training"; "pruning after training, 20% per level,
            // each level retrained for the 160 epochs"
            Map.entry("papers/frankle2021-resnet20-cifar10.yaml", Map.ofEntries(
                    Map.entry("random", "init, trains 160 epochs sparse"),
                    Map.entry("magnitude", "init, trains 160 epochs sparse"),
                    Map.entry("snip", "init, trains 160 epochs sparse"),
                    Map.entry("grasp", "init, trains 160 epochs sparse"),
                    Map.entry("synflow", "init, trains 160 epochs sparse"),
                    Map.entry("magnitude_shuffle", "init, trains 160 epochs sparse"),
                    Map.entry("magnitude_reinit", "init, trains 160 epochs sparse"),
                    Map.entry("magnitude_invert", "init, trains 160 epochs sparse"),
                    Map.entry("snip_shuffle", "init, trains 160 epochs sparse"),
                    Map.entry("snip_reinit", "init, trains 160 epochs sparse"),
                    Map.entry("snip_invert", "init, trains 160 epochs sparse"),
                    Map.entry("grasp_shuffle", "init, trains 160 epochs sparse"),
                    Map.entry("grasp_reinit", "init, trains 160 epochs sparse"),
                    Map.entry("grasp_invert", "init, trains 160 epochs sparse"),
                    Map.entry("synflow_shuffle", "init, trains 160 epochs sparse"),
                    Map.entry("synflow_reinit", "init, trains 160 epochs sparse"),
                    Map.entry("synflow_invert", "init, trains 160 epochs sparse"),
                    Map.entry("magnitude_after_training", "pretrained, levels of 20% to 55.511151x, retrains 160 epochs each"),
                    Map.entry("lottery_rewind", "pretrained, levels of 20% to 55.511151x, retrains 160 epochs each"),
                    Map.entry("lottery_rewind_shuffle", "pretrained, levels of 20% to 55.511151x, retrains 160 epochs each"),
                    Map.entry("lottery_rewind_reinit", "pretrained, levels of 20% to 55.511151x, retrains 160 epochs each"))),
            // the MNIST paper files (issue 26): each header quotes its protocol
            Map.entry("papers/dettmers2019-lenet300-mnist.yaml", Map.of("snfs", "dynamic, trains 100 epochs sparse")),
            Map.entry("papers/dettmers2019-lenet5caffe-mnist.yaml", Map.of(
                    "snfs", "dynamic, trains 100 epochs sparse")),
            Map.entry("papers/frankle2019-lenet300-mnist.yaml", Map.of(
                    "lottery", "pretrained, levels of 20% (fc3 10%) to 54x, retrains 50 epochs each",
                    "reinit", "pretrained, levels of 20% (fc3 10%) to 54x, retrains 50 epochs each")),
            Map.entry("papers/guo2016-lenet300-mnist.yaml", Map.of("dns", "pretrained, fine-tunes 20 epochs",
                    "dns_auto", "pretrained, fine-tunes 20 epochs")),
            Map.entry("papers/guo2016-lenet5-mnist.yaml", Map.of("dns", "pretrained, fine-tunes 20 epochs")),
            Map.entry("papers/han2015-lenet300-mnist.yaml", Map.of(
                    "han_global", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each",
                    "han_layer", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each",
                    "han_uniform", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each")),
            Map.entry("papers/han2015-lenet5-mnist.yaml", Map.of(
                    "han_global", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each",
                    "han_layer", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each",
                    "han_uniform", "pretrained, levels of 46.3% to 12x, retrains 11 epochs each")),
            // issue 30's two agent papers (CIFAR-10): each strategy fine-tunes 40 epochs after its search or ranking
            Map.entry("papers/he2018-resnet56-cifar10.yaml", Map.of(
                    "uniform", "pretrained, fine-tunes 40 epochs",
                    "amc", "pretrained, fine-tunes 40 epochs")),
            Map.entry("papers/huang2018-vgg16-cifar10.yaml", Map.of(
                    "l1_filter", "pretrained, fine-tunes 40 epochs",
                    "learning_to_prune", "pretrained, fine-tunes 40 epochs")),
            Map.entry("papers/lee2019-lenet300-mnist.yaml", Map.of(
                    "snip", "init, trains 231 epochs sparse",
                    "snip_fresh_init", "init, trains 231 epochs sparse")),
            Map.entry("papers/lee2019-lenet5caffe-mnist.yaml", Map.of("snip", "init, trains 231 epochs sparse")),
            // issue 30: bayesian_compression from scratch, the authors' example.py (5 epochs)
            Map.entry("papers/louizos2017-lenet300-mnist.yaml", Map.of(
                    "bc_gnj", "from its initialisation (0 pretraining epochs), learns 5 epochs, fine-tunes 0 epochs")),
            Map.entry("papers/louizos2017-lenet5caffe-mnist.yaml", Map.of(
                    "bc_gnj", "from its initialisation (0 pretraining epochs), learns 5 epochs, fine-tunes 0 epochs")),
            Map.entry("papers/louizos2018-lenet300-mnist.yaml", Map.of(
                    "l0_hc", "from its initialisation (0 pretraining epochs), learns 200 epochs, fine-tunes 0 epochs")),
            Map.entry("papers/louizos2018-lenet5caffe-mnist.yaml", Map.of(
                    "l0_hc", "from its initialisation (0 pretraining epochs), learns 200 epochs, fine-tunes 0 epochs")),
            Map.entry("papers/mocanu2018-mlp-mnist.yaml", Map.of(
                    "mlp_fixprob", "init, trains 1000 epochs sparse",
                    "set_mlp", "dynamic, trains 1000 epochs sparse")),
            Map.entry("papers/molchanov2017-lenet300-mnist.yaml", Map.of(
                    "sparse_vd", "from its initialisation (0 pretraining epochs), learns 200 epochs, fine-tunes 0 epochs")),
            Map.entry("papers/molchanov2017-lenet5caffe-mnist.yaml", Map.of(
                    "sparse_vd", "from its initialisation (0 pretraining epochs), learns 200 epochs, fine-tunes 0 epochs")),
            // "pruning at initialisation"; "160 epochs (\"post_epochs\") ... no pretraining"
            Map.entry("papers/tanaka2020-vgg16-cifar10.yaml", Map.of(
                    "random", "init, trains 160 epochs sparse",
                    "magnitude", "init, trains 160 epochs sparse",
                    "snip", "init, trains 160 epochs sparse",
                    "grasp", "init, trains 160 epochs sparse",
                    "synflow", "init, trains 160 epochs sparse")));

    @Test
    void everyShippedExperimentIsListedHere() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            TreeSet<String> shipped = new TreeSet<>(files.filter(f -> f.toString().endsWith(".yaml"))
                    .map(f -> DIR.relativize(f).toString().replace('\\', '/')).toList());
            assertEquals(new TreeSet<>(EXPECTED.keySet()), shipped,
                    "add the new experiment's timings and budgets to EXPECTED");
        }
    }

    @Test
    void everyStrategyPrunesWhenAndTrainsAsLongAsItsFileSays() {
        StrategyRegistry strategies = new StrategyRegistry();
        ExperimentLoader loader = new ExperimentLoader(new ModelRegistry(), new DatasetRegistry(), strategies);
        GridPlanner planner = new GridPlanner(strategies);
        for (Map.Entry<String, Map<String, String>> file : new TreeMap<>(EXPECTED).entrySet()) {
            ExperimentSpec spec = loader.load(DIR.resolve(file.getKey()));
            Map<String, String> actual = new TreeMap<>();
            for (RunSpec run : planner.plan(spec)) {
                if (run.compression() == 1) {
                    continue; // the dense control
                }
                RunOutline outline = RunOutline.of(run, strategies);
                assertFalse(outline.noFineTuning(), file.getKey() + ": " + run.runId() + " is scored untrained");
                String previous = actual.put(run.strategy().label(), outline.describe());
                assertTrue(previous == null || previous.equals(outline.describe()), run.runId());
            }
            assertEquals(new TreeMap<>(file.getValue()), actual, file.getKey());
        }
    }

    @Test
    void aPrunedTrainedNetworkWithoutTrainingIsCalledSo() {
        StrategyRegistry strategies = new StrategyRegistry();
        ExperimentLoader loader = new ExperimentLoader(new ModelRegistry(), new DatasetRegistry(), strategies);
        ExperimentSpec spec = loader.load(DIR.resolve("init-lenet5.yaml"),
                List.of("pruning.strategies=[{name: random, at: pretrained}]", "pruning.compressions=[1, 4]"));
        List<RunSpec> runs = new GridPlanner(strategies).plan(spec);
        assertEquals("pretrained, fine-tunes 0 epochs", RunOutline.of(runs.get(0), strategies).describe());
        assertEquals("pretrained, no fine-tuning", RunOutline.of(runs.get(1), strategies).describe());
    }
}
