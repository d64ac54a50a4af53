package prunebench.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import prunebench.cli.Main;

/** The text of the sbatch scripts: #SBATCH directives, the environment of a run, and the java command. */
final class SlurmScripts {
    /** The one word of a command that the shell expands: the array task's index. */
    static final String TASK_ID = "$SLURM_ARRAY_TASK_ID";

    private SlurmScripts() {}

    /**
     * How every job starts the JVM: which java, its flags, the (snapshot) classpath, and its environment
     * ({@code djlCacheDir} null: the user's default cache; {@code dataEnv}: PRUNEBENCH_DATA when set).
     */
    record Launch(String java, List<String> jvmArgs, List<Path> classpath, String djlCacheDir, Path workDir,
            String dataEnv) {}

    /** One sbatch script: directives, a comment, and the arguments of prunebench.cli.Main. */
    record Job(String name, List<String> directives, List<String> comment, List<String> mainArgs) {}

    /** Quotes a word for bash: it comes back unchanged whatever it contains. */
    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A value for an #SBATCH line, which sbatch reads itself (no shell): one word, no quotes needed. */
    static String directiveValue(String option, String value) {
        if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')) {
            throw new prunebench.config.ConfigException(option + ": '" + value + "' must be one word without quotes");
        }
        return value;
    }

    static String render(Job job, Launch launch) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        for (String d : job.directives()) {
            sb.append("#SBATCH ").append(d).append('\n');
        }
        for (String c : job.comment()) {
            sb.append("# ").append(c).append('\n');
        }
        sb.append("set -euo pipefail\n");
        sb.append("export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}\n");
        sb.append("export DJL_CACHE_DIR=").append(launch.djlCacheDir() != null ? quote(launch.djlCacheDir())
                : "\"${XDG_CACHE_HOME:-$HOME/.cache}/prunebench/djl\"").append('\n');
        if (launch.dataEnv() != null) {
            sb.append("export PRUNEBENCH_DATA=").append(quote(launch.dataEnv())).append('\n');
        }
        sb.append("cd ").append(quote(launch.workDir().toString())).append('\n');
        sb.append("java=").append(quote(launch.java())).append('\n');
        sb.append("[ -x \"$java\" ] || java=java\n");
        appendClasspath(sb, launch.classpath());
        List<String> lines = new ArrayList<>();
        lines.add("exec \"$java\"" + launch.jvmArgs().stream().map(a -> " " + quote(a)).reduce("", String::concat)
                + " -cp \"$classpath\" " + Main.class.getName());
        StringBuilder line = null;
        for (String a : job.mainArgs()) {
            String word = a.equals(TASK_ID) ? "\"" + a + "\"" : quote(a);
            if (line == null || a.startsWith("--")) {
                if (line != null) {
                    lines.add(line.toString());
                }
                line = new StringBuilder(word);
            } else {
                line.append(' ').append(word);
            }
        }
        if (line != null) {
            lines.add(line.toString());
        }
        sb.append(String.join(" \\\n    ", lines)).append('\n');
        return sb.toString();
    }

    /** The classpath one entry a line, as entries of one folder (the snapshot) when they all are. */
    private static void appendClasspath(StringBuilder sb, List<Path> classpath) {
        Path dir = classpath.isEmpty() ? null : classpath.get(0).getParent();
        boolean oneFolder = dir != null && classpath.stream().allMatch(p -> dir.equals(p.getParent()));
        if (oneFolder) {
            sb.append("lib=").append(quote(dir.toString())).append('\n');
        }
        sb.append("entries=(\n");
        for (Path p : classpath) {
            sb.append("    ").append(quote(oneFolder ? p.getFileName().toString() : p.toString())).append('\n');
        }
        sb.append(")\n");
        sb.append(oneFolder ? "classpath=$(IFS=:; echo \"${entries[*]/#/$lib/}\")\n"
                : "classpath=$(IFS=:; echo \"${entries[*]}\")\n");
    }

    /** {@code 0-3,5,7-9}: sorted indices as an --array value. */
    static String arraySpec(Set<Integer> indices) {
        List<String> parts = new ArrayList<>();
        Integer start = null;
        Integer prev = null;
        for (int i : new TreeSet<>(indices)) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            if (start != null) {
                parts.add(start.equals(prev) ? String.valueOf(start) : start + "-" + prev);
            }
            start = i;
            prev = i;
        }
        if (start != null) {
            parts.add(start.equals(prev) ? String.valueOf(start) : start + "-" + prev);
        }
        return String.join(",", parts);
    }
}
