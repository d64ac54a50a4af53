package prunebench.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Extra worker processes for a grid: the same command with {@code --worker-index k}, the same JVM flags and
 * classpath. Workers coordinate only through the results folder (per-run lock files, the pretrained cache's lock),
 * so they need no channel to the parent; their output goes to the same terminal, each line tagged [wk].
 */
final class WorkerProcesses {
    List<Process> start(int count, List<String> args) throws IOException {
        List<Process> started = new ArrayList<>();
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
            started.add(new ProcessBuilder(cmd).inheritIO().start());
        }
        // Ctrl-C reaches the whole process group; this covers a parent stopped by other means.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroy)));
        return started;
    }

    static void await(List<Process> processes) {
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
