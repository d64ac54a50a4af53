package prunebench.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import prunebench.config.ExperimentSpec;
import prunebench.data.DataShape;
import prunebench.data.DatasetRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.GridCost;
import prunebench.run.NetworkSize;
import prunebench.run.RunOutline;
import prunebench.run.RunStatus;

/**
 * What {@code --dry-run} prints of a grid: one run a line on standard output (its outline, and its status in a
 * folder with runs), the data it was planned from and the grid's cost on the error stream.
 */
final class DryRunListing {
    private final PrintStream out;
    private final PrintStream err;

    DryRunListing(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    void print(ExperimentSpec spec, Path dir, ExperimentRunner.Plan plan, DatasetRegistry datasets,
            StrategyRegistry strategies, int workers) {
        out.printf("%s: %d runs, device %s, results in %s%n", spec.name(), plan.runs().size(),
                spec.device().name().toLowerCase(java.util.Locale.ROOT), dir);
        String dataset = spec.dataset().name();
        DataShape shape;
        if (plan.data() == null) {
            shape = datasets.get(dataset).describe(dataset).orElseThrow()
                    .capped(spec.dataset().maxTrain(), spec.dataset().maxTest(), spec.dataset().validation());
            err.printf("note: dataset '%s' is not here (%s): planned from its description (%s images, %d classes, %,d "
                    + "training images); the run ids below lack the data's fingerprint, so they change once the data "
                    + "is here; get it with: ./run-experiment --download %s%n", dataset,
                    String.join(", ", datasets.candidates(spec.dataset()).stream().map(Path::toString).toList()),
                    shape.image(), shape.classes(), shape.trainSize(), dataset);
            if (spec.download()) {
                err.printf("dataset.download: true: a run downloads it first, into %s%n",
                        datasets.downloadTarget(spec.dataset()));
            }
        } else {
            shape = DataShape.of(plan.data());
        }
        if (spec.budget() < 1) {
            out.printf("budget %s: every epoch count scaled (pretrain %d, finetune %d epochs)%n",
                    spec.budget(), plan.runs().isEmpty() ? 0 : plan.runs().get(0).pretrain().epochs(),
                    plan.runs().isEmpty() ? 0 : plan.runs().get(0).finetune().epochs());
        }
        // Per run: when it prunes and how long it trains after (a pruned trained network that trains 0 epochs
        // says "no fine-tuning").
        // and, in a folder with runs, whether each is done, failed, running (another process holds its lock) or
        // interrupted. Standard output is the run list, one run a line; notes and the grid's cost go to the error
        // stream, like every other note.
        List<RunStatus> statuses = plan.runs().stream().map(r -> RunStatus.of(dir, r.runId())).toList();
        NetworkSize size = iterativeSize(plan, strategies, shape);
        int width = plan.runs().stream().mapToInt(r -> r.runId().length()).max().orElse(0);
        int outlineWidth = plan.runs().stream().mapToInt(r -> RunOutline.of(r, strategies, size).describe().length())
                .max().orElse(0);
        for (int i = 0; i < plan.runs().size(); i++) {
            var r = plan.runs().get(i);
            String mark = statuses.get(i).mark();
            String outline = RunOutline.of(r, strategies, size).describe();
            out.println(String.format("  %-" + width + "s  %-" + outlineWidth + "s  %s", r.runId(), outline,
                    mark.isEmpty() ? "" : "[" + mark + "]").stripTrailing());
        }
        err.println(GridCost.of(plan.runs(), statuses, plan.model(), shape, workers, spec.threads(), dir,
                r -> RunOutline.totalEpochs(r, strategies, size)).describe());
    }

    /**
     * The network's size when an iterative run needs it for its number of levels: the one case where a dry run
     * builds the network (on the CPU, starting the native engine); null when no run is iterative or the engine
     * cannot start here (the outline then gives the levels' rate and target instead of their number).
     */
    private NetworkSize iterativeSize(ExperimentRunner.Plan plan, StrategyRegistry strategies, DataShape d) {
        boolean iterative = plan.runs().stream().anyMatch(r -> !r.isDenseControl()
                && strategies.get(r.strategy().name()) instanceof prunebench.prune.Imp);
        if (!iterative) {
            return null;
        }
        try {
            return NetworkSize.of(plan.spec(), plan.model(), new ai.djl.ndarray.types.Shape(d.channels(), d.height(),
                    d.width()), d.classes());
        } catch (RuntimeException | LinkageError e) {
            err.println("note: cannot build the network to count the iterative runs' levels (" + e.getMessage()
                    + ")");
            return null;
        }
    }
}
