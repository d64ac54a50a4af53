package prunebench.bench;

import java.util.Arrays;
import prunebench.data.BatchLoader;
import prunebench.prune.MaskSet;
import prunebench.train.Evaluator;
import prunebench.train.Trainer;

/**
 * The measurements behind {@code scripts/bench}, one per JVM (the script starts a fresh one for each, so that
 * peak memory and warm-up belong to that measurement alone). Threads come from
 * {@code -Dai.djl.pytorch.num_threads}, which libtorch reads once. Every line printed on stdout is a CSV row
 * {@code benchmark,model,threads,batch,value,unit}; notes go to stderr.
 *
 * <ul>
 *   <li>{@code model MODEL [--batch B] [--steps S] [--reps R] [--warmup-epochs W]}: training images/s through the
 *       real {@link Trainer} (an epoch of S steps per repetition; W epochs of warm-up excluded; median over R),
 *       peak resident memory (VmHWM) right after training, the time of one {@link MaskSet#apply()} (4x
 *       compression, random masks) as % of the median training step, and inference images/s through
 *       {@link Evaluator} at batch B. Data: random pixels of the model's input shape, as batches assembled by
 *       {@link BatchLoader} from bytes (with the ResNet augmentation for CIFAR models).
 *   <li>{@code step MODEL [--batch B] [--steps S] [--reps R] [--phases true]}: the bare training step
 *       ({@code train_step}), see {@link StepBenchmark}.
 *   <li>{@code score STRATEGY [--model resnet20] [--compression C]}: seconds of scoring (time inside
 *       {@code score()}) and of the whole pruning (scoring plus exact top-k, over the strategy's default
 *       {@code iterations} rounds) at compression C of a fresh network. A strategy missing from the registry prints
 *       nothing and exits 3.
 *   <li>{@code load DATASET [--root DIR]}: seconds to locate and decode a dataset through the registry (whatever
 *       caches the reader keeps). A dataset that is not present prints nothing and exits 3.
 * </ul>
 *
 * <p>Each measurement is a class of its own ({@link ModelBenchmark}, {@link StepBenchmark}, {@link ScoreBenchmark},
 * {@link LoadBenchmark}) on {@link BenchArgs}, {@link Workloads} (the synthetic data and the SGD they train with),
 * {@link CsvRows} (the rows printed) and {@link ProcessUsage} (process CPU time, peak memory).
 */
public final class Bench {
    /** The exit code of a measurement whose strategy or dataset is not there: it printed nothing. */
    static final int MISSING = 3;

    private Bench() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Bench model MODEL [--batch 128] [--steps 10] [--reps 5] [--warmup-epochs 1] "
                    + "[--what train,infer]\n       Bench step MODEL [--batch 128] [--steps 10] [--reps 5] [--phases true]\n"
                    + "       Bench score STRATEGY [--model resnet20] [--compression 16]\n"
                    + "       Bench load DATASET [--root DIR]");
            System.exit(2);
        }
        BenchArgs bench = new BenchArgs(Arrays.copyOfRange(args, 1, args.length));
        int code = switch (args[0]) {
            case "model" -> ModelBenchmark.run(bench);
            case "step" -> StepBenchmark.run(bench);
            case "score" -> ScoreBenchmark.run(bench);
            case "load" -> LoadBenchmark.run(bench);
            default -> {
                System.err.println("unknown measurement " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }
}
