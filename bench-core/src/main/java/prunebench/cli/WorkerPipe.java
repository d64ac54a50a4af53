package prunebench.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import prunebench.run.ProgressSink;

/**
 * The progress of a worker process, sent to the runner that started it over the worker's stderr, one event per line
 * ({@code \u0001pb<TAB>kind<TAB>fields}); the runner shows them on its display with its own clock. Lines that are
 * not events (a JVM's crash report, native libraries' messages) are passed on as warnings, except libtorch's
 * AutoNonVariableTypeMode deprecation warning, which is dropped (see {@link prunebench.util.TorchLogLevel}).
 */
final class WorkerPipe implements ProgressSink {
    private static final String MARK = "\u0001pb\t";
    /** Training events are sent at most this often (every batch would flood the pipe); epoch ends always. */
    private static final long TRAINING_EVERY_NANOS = 250_000_000L;

    private final PrintStream out;
    private final Level threshold;
    private long lastTraining;

    WorkerPipe(PrintStream out, Level threshold) {
        this.out = out;
        this.threshold = threshold;
    }

    @Override
    public void log(Level level, String message) {
        if (level.compareTo(threshold) <= 0) {
            send("log", level.name(), message);
        }
    }

    @Override
    public void runStarted(int index, int total, String runId, String description) {
        send("start", String.valueOf(index), String.valueOf(total), runId, description);
    }

    @Override
    public void runEnded(String runId, boolean ok, double seconds, String summary) {
        send("end", runId, String.valueOf(ok), String.valueOf(seconds), summary);
    }

    @Override
    public void runFound(String runId, boolean ok, int total) {
        send("found", runId, String.valueOf(ok), String.valueOf(total));
    }

    @Override
    public synchronized void training(String stage, int epoch, int epochs, int step, int steps) {
        long now = System.nanoTime();
        if (step < steps && now - lastTraining < TRAINING_EVERY_NANOS) {
            return;
        }
        lastTraining = now;
        send("train", stage, String.valueOf(epoch), String.valueOf(epochs), String.valueOf(step),
                String.valueOf(steps));
    }

    private void send(String kind, String... fields) {
        StringBuilder line = new StringBuilder(MARK).append(kind);
        for (String f : fields) {
            line.append('\t').append(f.replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
        }
        out.println(line);
    }

    /** Whether a line a worker wrote is libtorch's AutoNonVariableTypeMode deprecation warning. */
    static boolean isTorchDeprecationWarning(String line) {
        return line.contains("AutoNonVariableTypeMode is deprecated");
    }

    /** Reads a worker's stderr until it closes, replaying its events on {@code sink}. */
    static void relay(BufferedReader in, ProgressSink sink) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.startsWith(MARK)) {
                if (!line.isBlank() && !isTorchDeprecationWarning(line)) {
                    sink.log(Level.WARN, line);
                }
                continue;
            }
            String[] f = line.substring(MARK.length()).split("\t", -1);
            try {
                switch (f[0]) {
                    case "log" -> sink.log(Level.valueOf(f[1]), f[2]);
                    case "start" -> sink.runStarted(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], f[4]);
                    case "end" -> sink.runEnded(f[1], Boolean.parseBoolean(f[2]), Double.parseDouble(f[3]), f[4]);
                    case "found" -> sink.runFound(f[1], Boolean.parseBoolean(f[2]), Integer.parseInt(f[3]));
                    case "train" -> sink.training(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                            Integer.parseInt(f[4]), Integer.parseInt(f[5]));
                    default -> sink.log(Level.DEBUG, line.substring(MARK.length()));
                }
            } catch (RuntimeException e) { // a line cut short by a dying worker: show what it was
                sink.log(Level.WARN, String.join(" ", f));
            }
        }
    }
}
