package prunebench.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import prunebench.run.ProgressSink;
import prunebench.util.TorchLogLevel;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Extra worker processes for a grid: the same command with {@code --worker-index k}, the same JVM flags and
 * classpath. Workers coordinate only through the results folder (per-run lock files, the pretrained cache's lock);
 * they report their progress to the parent over their stderr ({@link WorkerPipe}), which the parent reads and shows
 * on its display, with its clock, each worker's lines tagged [wk]. Their standard input is a pipe from the parent
 * that the parent never writes to: when the parent dies, however it dies (kill -9 included), the pipe closes and
 * the worker stops at once (see {@link #stopWithParent}), releasing its run's lock; the run resumes from its last
 * checkpoint on the next invocation.
 */
final class WorkerProcesses {
    private final List<Process> started = new ArrayList<>();
    private final List<Thread> relays = new ArrayList<>();

    /** Starts workers 1..count-1; worker k's progress goes to {@code sinks.apply(k)}. */
    List<Process> start(int count, List<String> args, IntFunction<ProgressSink> sinks) throws IOException {
        if (count <= 1) {
            return started;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> base = new ArrayList<>();
        base.add(java);
        base.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        base.add("-cp");
        base.add(System.getProperty("java.class.path"));
        base.add(Main.class.getName());
        // A worker must never wipe the folder the others are filling.
        args.stream().filter(a -> !a.equals("--fresh")).forEach(base::add);
        for (int k = 1; k < count; k++) {
            List<String> cmd = new ArrayList<>(base);
            cmd.add("--worker-index");
            cmd.add(String.valueOf(k));
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.PIPE);
            // libtorch reads it when it loads; the worker sets it too, this covers what runs before that.
            builder.environment().putIfAbsent(TorchLogLevel.VARIABLE, TorchLogLevel.LEVEL);
            Process p = builder.start();
            started.add(p);
            ProgressSink sink = sinks.apply(k);
            Thread relay = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    WorkerPipe.relay(in, sink);
                } catch (IOException e) {
                    // the worker is gone; its exit is seen by await
                }
            }, "relay-w" + k);
            relay.setDaemon(true);
            relay.start();
            relays.add(relay);
        }
        // Ctrl-C reaches the whole process group; this covers a parent stopped by other means.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroy)));
        return started;
    }

    /**
     * In a worker: ends this process as soon as its parent is gone, seen as the end of the standard input the
     * parent holds open (immediate), or as the parent's exit (polled, should the pipe be inherited elsewhere).
     */
    static void stopWithParent(PrintStream err, String label) {
        Runnable stop = () -> {
            err.println(label + " the runner that started this worker is gone; stopping (an interrupted run "
                    + "resumes from its last checkpoint when the command is run again)");
            Runtime.getRuntime().halt(RUNNER_GONE);
        };
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; any byte is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same
            }
            stop.run();
        }, "parent-watch");
        stdin.setDaemon(true);
        stdin.start();
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(stop));
    }

    /** A worker's exit status when its parent died (nobody reads it: the parent is gone). */
    static final int RUNNER_GONE = 143;

    /** Waits for every worker to exit and for its last lines to be shown. */
    void await() {
        try {
            for (Process p : started) {
                p.waitFor();
            }
            for (Thread relay : relays) {
                relay.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
