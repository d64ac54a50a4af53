package prunebench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import prunebench.config.Canonical;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner.Plan;
import prunebench.train.DivergenceException;

/**
 * The runs of one invocation and what became of them: each planned run skipped when finished, left to the process
 * that holds its lock (or waited for), or executed and recorded, a dense control copied from an equal one.
 */
final class GridAttempts {
    private final Plan plan;
    private final ResultStore store;
    private final RunExecutor executor;
    private final Progress progress;
    private final boolean retryFailed;
    private final StrategyRegistry strategies;
    final List<RunResult> failed = new ArrayList<>();
    int executed;
    int skipped;
    int busy;

    GridAttempts(Plan plan, ResultStore store, RunExecutor executor, Progress progress, boolean retryFailed,
            StrategyRegistry strategies) {
        this.plan = plan;
        this.store = store;
        this.executor = executor;
        this.progress = progress;
        this.retryFailed = retryFailed;
        this.strategies = strategies;
    }

    private boolean done(String id) {
        return store.finished(id).map(r -> !retryFailed || r.ok()).orElse(false);
    }

    /**
     * Runs run {@code i} unless it is finished; returns false when another process holds it and {@code wait}
     * is false.
     */
    boolean attempt(int i, boolean wait) throws IOException {
        List<RunSpec> runs = plan.runs();
        RunSpec spec = runs.get(i);
        String id = spec.runId();
        Path dir = store.runDir(id);
        recordSettings(plan.spec(), spec, store);
        if (done(id)) {
            skipped++;
            completeManifest(dir, spec);
            found(id);
            return true;
        }
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(".lock");
        RunLock lock = RunLock.tryAcquire(lockFile);
        if (lock == null && !wait) {
            progress.info(String.format("run %d/%d %s: held by %s; coming back to it at the end", i + 1,
                    runs.size(), id, RunLock.holder(lockFile)));
            return false;
        }
        if (lock == null) {
            progress.info(String.format("run %d/%d %s: waiting for %s", i + 1, runs.size(), id,
                    RunLock.holder(lockFile)));
            lock = RunLock.acquire(lockFile);
        }
        try (RunLock held = lock) {
            if (done(id)) {
                if (wait) {
                    busy++; // finished by the process that held it
                } else {
                    skipped++;
                }
                completeManifest(dir, spec);
                found(id);
                return true;
            }
            if (store.isFinished(id)) {
                store.keepFailedAttempt(id);
            }
            execute(i, spec, id, dir);
            return true;
        }
    }

    /** Tells the display about a run finished before this runner came to it. */
    private void found(String id) {
        progress.sink().runFound(id, store.finished(id).map(RunResult::ok).orElse(true), plan.runs().size());
    }

    private void execute(int i, RunSpec spec, String id, Path dir) throws IOException {
        List<RunSpec> runs = plan.runs();
        progress.startRun(i + 1, runs.size(), id, String.format("%s  compression %s  seed %d  %s  [%s]",
                spec.strategy().label(), ExperimentRunner.fmt(spec.compression()), spec.seed(),
                RunOutline.of(spec, strategies).describe(), id));
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RunResult result;
        String controlKey = spec.isDenseControl() ? Canonical.hash(new DenseControl(spec)) : null;
        RunResult control = controlKey == null ? null : store.control(controlKey);
        if (control != null) {
            result = control.as(spec, id);
            progress.info("  dense control: same as " + control.run_id());
        } else {
            try {
                result = executor.execute(spec, id);
            } catch (DivergenceException | ConfigException | IllegalStateException
                    | IllegalArgumentException | ai.djl.engine.EngineException e) {
                result = RunResult.failed(spec, id, e.getClass().getSimpleName() + ": " + e.getMessage(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        // The manifest first: a process killed between the two files leaves an unfinished run (rerun), never a
        // finished one without its manifest.
        Manifest.write(dir.resolve(Manifest.FILE), plan.device(), started, Instant.now(), spec.identity(),
                plan.fingerprint());
        store.save(result);
        executed++;
        // The time it took here (a dense control copied from another run takes none): what an ETA needs.
        double took = (System.nanoTime() - t0) / 1e9;
        if (result.ok()) {
            if (controlKey != null && control == null) {
                store.saveControl(controlKey, result);
            }
            progress.sink().runEnded(id, true, took, String.format(java.util.Locale.ROOT,
                    "  done: top1 %.2f%% (before fine-tuning %.2f%%), compression %.2f, "
                    + "speedup %.2f (measured %.2f), %.1fs", 100 * result.top1(),
                    100 * result.top1_pre_finetune(), result.compression_actual(),
                    result.speedup_theoretical(), result.speedup_measured(), result.wall_seconds()));
            if (result.mask_updates() > 0) {
                progress.info(String.format("  %d mask updates, %.1f connections changed per update",
                        result.mask_updates(), result.connections_changed_mean()));
            }
        } else {
            failed.add(result);
            progress.sink().runEnded(id, false, took, "  FAILED: " + result.error());
        }
    }

    /** A finished run recorded by a version that wrote metrics.json first and was killed before its manifest. */
    private void completeManifest(Path dir, RunSpec spec) throws IOException {
        Path manifest = dir.resolve(Manifest.FILE);
        if (!Files.exists(manifest)) {
            Manifest.write(manifest, plan.device(), null, null, spec.identity(), plan.fingerprint());
            progress.info("  " + dir.getFileName() + ": finished without a manifest.json; wrote one");
        }
    }

    /**
     * Writes {@code runs/<id>/experiment.yaml} once: also for a run finished before such files existed, whose id
     * proves that these were its settings.
     */
    private static void recordSettings(ExperimentSpec experiment, RunSpec run, ResultStore store) throws IOException {
        Path file = store.settingsFile(run.runId());
        if (!Files.isRegularFile(file)) {
            prunebench.util.AtomicFiles.writeString(file, RunSettingsFile.yaml(experiment, run));
        }
    }

    /** What a dense control depends on: the strategy does not matter when nothing is pruned. */
    private record DenseControl(String model, prunebench.config.DatasetSpec dataset, long seed,
            prunebench.config.TrainSchedule pretrain, prunebench.config.TrainSchedule finetune,
            prunebench.prune.Timing timing, boolean pruneClassifier, boolean pruneBiases) {
        DenseControl(RunSpec s) {
            this(s.model(), s.dataset().withoutRoot(), s.seed(), s.pretrain(), s.finetune(), s.timing(),
                    s.pruneClassifier(), s.pruneBiases());
        }
    }
}
