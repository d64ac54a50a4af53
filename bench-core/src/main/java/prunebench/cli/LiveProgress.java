package prunebench.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import prunebench.run.LineProgress;
import prunebench.run.ProgressSink;
import prunebench.run.ProgressSink.Level;

/**
 * The grid's live display on a terminal: one progress bar (me.tongfei:progressbar) with the runs done of the grid,
 * the elapsed time and an ETA from the measured times of the runs finished so far, the failed runs, and what each
 * worker is doing (its run, stage, epoch and how far into the epoch). Results, notes and warnings are printed as
 * lines above the bar, timed on the runner's clock. Every worker, in this process or relayed from its own, reports
 * to {@link #worker}; runs are counted by id, so a run two workers both see finished counts once.
 */
final class LiveProgress implements AutoCloseable {
    private final PrintStream out;
    private final long startNanos;
    private final int workers;
    private final ProgressBar bar;
    private final Set<String> done = new HashSet<>();
    private final Set<String> failed = new HashSet<>();
    private final List<Double> runSeconds = new ArrayList<>();
    private final String[] runs;
    private final String[] stages;
    private volatile Long etaDeadline;
    /** Characters the workers' part of the line may take: the line's width less the bar, counts and times. */
    private final int workersWidth;

    /** {@code width}: the line's width, null for the terminal's. */
    LiveProgress(PrintStream out, long startNanos, int workers, int total, Integer width) {
        this.out = out;
        this.startNanos = startNanos;
        this.workers = workers;
        this.workersWidth = Math.max(20, (width != null ? width : terminalColumns()) - BAR_WIDTH);
        this.runs = new String[workers];
        this.stages = new String[workers];
        this.bar = new ProgressBarBuilder().setTaskName("runs").setInitialMax(total)
                .setStyle(ProgressBarStyle.UNICODE_BLOCK).setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(width == null ? new ConsoleProgressBarConsumer(out)
                        : new ConsoleProgressBarConsumer(out, width))
                .setEtaFunction(state -> eta()).startsFrom(0, Duration.ZERO).build();
    }

    /**
     * Whether this process's stderr (file descriptor 2, where the display goes) is a terminal that can redraw a line:
     * {@code isatty(2)} from libc, and TERM not {@code dumb}. Where libc cannot be reached, whether the JVM has a
     * console (stdin and stdout are terminals).
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            return com.sun.jna.NativeLibrary.getInstance("c").getFunction("isatty").invokeInt(new Object[] {2}) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return System.console() != null;
        }
    }

    /** What worker {@code k} reports to. */
    ProgressSink worker(int k) {
        String label = workers > 1 ? "[w" + k + "] " : "";
        return new ProgressSink() {
            @Override
            public void log(Level level, String message) {
                if (level.compareTo(Level.NOTICE) <= 0) {
                    above(label + message.strip());
                }
            }

            @Override
            public void runStarted(int index, int total, String runId, String description) {
                update(k, shortName(runId), "starting", false);
            }

            @Override
            public void runEnded(String runId, boolean ok, double seconds, String summary) {
                synchronized (LiveProgress.this) {
                    runSeconds.add(seconds);
                    if (!ok) {
                        failed.add(runId);
                    }
                    done.add(runId);
                }
                above(label + shortName(runId) + " " + summary.strip());
                update(k, null, null, false);
            }

            @Override
            public void runFound(String runId, boolean ok, int total) {
                synchronized (LiveProgress.this) {
                    done.add(runId);
                    if (!ok) {
                        failed.add(runId);
                    }
                }
                update(k, null, null, true);
            }

            @Override
            public void training(String stage, int epoch, int epochs, int step, int steps) {
                update(k, null, String.format(Locale.ROOT, "%s %d/%d %d%%", stage, epoch, epochs,
                        steps == 0 ? 100 : 100 * step / steps), true);
            }
        };
    }

    /** A run id without its hash: {@code random-c4-s0}. */
    static String shortName(String runId) {
        int dash = runId.lastIndexOf('-');
        return dash > 0 ? runId.substring(0, dash) : runId;
    }

    /** Worker {@code k}'s run and stage; {@code keep}: its run stays, and its stage unless {@code stage} is given. */
    private synchronized void update(int k, String run, String stage, boolean keep) {
        if (!keep) {
            runs[k] = run;
            stages[k] = stage;
        } else if (stage != null) {
            stages[k] = stage;
        }
        if (done.size() != bar.getCurrent() || etaDeadline == null) { // a run ended: a new estimate
            bar.stepTo(done.size());
            estimate();
        }
        bar.setExtraMessage(failed.size() + " failed" + workersText(runs, stages, workersWidth));
    }

    /** What the bar itself takes: task name, percentage, the bar's blocks, counts, elapsed and remaining time. */
    static final int BAR_WIDTH = 75;

    /** The terminal's width from {@code COLUMNS}, else 120. */
    private static int terminalColumns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120").trim());
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    /**
     * Each worker's run and stage, as fits in {@code budget} characters (the progress bar cuts a longer line, and
     * with many workers the last ones vanished): in full; else each worker's stage without the run; else a count of
     * busy and idle workers.
     */
    static String workersText(String[] runs, String[] stages, int budget) {
        int n = runs.length;
        StringBuilder full = new StringBuilder();
        StringBuilder brief = new StringBuilder();
        int busy = 0;
        for (int w = 0; w < n; w++) {
            String who = n > 1 ? "w" + w + " " : "";
            boolean idle = runs[w] == null;
            busy += idle ? 0 : 1;
            full.append(" | ").append(who)
                    .append(idle ? "idle" : runs[w] + (stages[w] == null ? "" : " " + stages[w]));
            brief.append(" | ").append(who).append(idle ? "idle" : stages[w] == null ? "busy" : stages[w]);
        }
        if (full.length() <= budget) {
            return full.toString();
        }
        if (brief.length() <= budget) {
            return brief.toString();
        }
        return " | " + busy + " of " + n + " workers busy";
    }

    /**
     * When the grid should end: mean measured run time x rounds of runs left (runs left / workers), from the last
     * event; unknown until a run has finished here. Kept as a deadline that the bar's thread reads without a lock.
     */
    private void estimate() {
        int left = (int) bar.getMax() - done.size();
        if (left <= 0) {
            etaDeadline = System.nanoTime();
        } else if (!runSeconds.isEmpty()) {
            double mean = runSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            etaDeadline = System.nanoTime() + (long) (1e9 * mean * Math.ceil((double) left / workers));
        }
    }

    private Optional<Duration> eta() {
        Long deadline = etaDeadline;
        return deadline == null ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** A line above the bar: the bar's line is cleared, the line printed, and the bar drawn again below it. */
    private void above(String line) {
        synchronized (out) {
            out.print("\r\u001b[K" + LineProgress.stamp(startNanos) + " " + line + "\n");
        }
        bar.refresh();
    }

    /** Draws the bar a last time and ends its line. Not under this object's lock: the last drawing needs it. */
    @Override
    public void close() {
        synchronized (this) {
            bar.stepTo(done.size());
        }
        bar.close();
    }
}
