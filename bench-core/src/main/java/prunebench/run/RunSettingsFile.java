package prunebench.run;

import java.util.Locale;
import prunebench.config.ExperimentSpec;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.config.Settings;

/**
 * {@code runs/<id>/experiment.yaml}: the experiment narrowed to one run (its seed, compression and strategy), every
 * default filled in. Loaded again ({@code run-experiment runs/<id>/experiment.yaml}) it plans exactly this run, with
 * the same id. Written once, when a run is first planned or found finished.
 */
final class RunSettingsFile {
    static final String FILE_NAME = "experiment.yaml";

    private RunSettingsFile() {}

    static String yaml(ExperimentSpec experiment, RunSpec run) {
        ExperimentSpec one = experiment.forRun(run.seed(), run.compression(), run.strategy(), run.initScale());
        String config = Settings.configs(Settings.tree(one)).get(0).config();
        String header = "# Settings of run " + run.runId() + " (config " + config + "): everything that determined its"
                + " result.\n"
                + "# Run it again with: run-experiment experiment.yaml --results DIR (same run id; dataset.root is left"
                + " out).\n"
                + "# Resolved from the strategy's parameters and defaults: at: "
                + run.timing().name().toLowerCase(Locale.ROOT) + ", distribution: "
                + run.distribution().name().toLowerCase(Locale.ROOT) + ", iterations: " + run.iterations()
                + ", dense_first_layer: " + run.denseFirstLayer() + "\n";
        return ResolvedExperimentWriter.toYaml(one, header);
    }
}
