package prunebench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.cli.Main;
import prunebench.config.ConfigException;

class SlurmScriptsTest {
    @TempDir
    Path tmp;

    static final List<String> AWKWARD = List.of("pretrain.epochs=1", "pruning.strategies=[global_magnitude, random]",
            "name=it's", "a=\"b\" $HOME `id` \\n", "x=a\nb", "", "dataset.root='/p q/r''s'", "*", "--x=y;z");

    @Test
    void quotedWordsReachTheProgramUnchanged() throws Exception {
        Path script = tmp.resolve("echo.sh");
        StringBuilder sb = new StringBuilder("printf '%s\\0'");
        for (String w : AWKWARD) {
            sb.append(' ').append(SlurmScripts.quote(w));
        }
        Files.writeString(script, sb.append('\n').toString());
        Process p = new ProcessBuilder("bash", script.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(AWKWARD, List.of(out.substring(0, out.length() - 1).split("\0", -1)));
    }

    @Test
    void renderedScriptPassesEveryArgumentThrough() throws Exception {
        Path lib = tmp.resolve("lib dir");
        List<String> args = new ArrayList<>(List.of("/x/experiment.yaml"));
        for (String w : AWKWARD) {
            args.add("--set");
            args.add(w);
        }
        args.addAll(List.of("--task-index", SlurmScripts.TASK_ID));
        String text = SlurmScripts.render(new SlurmScripts.Job("pb-x-runs", List.of("--job-name=pb-x-runs",
                "--array=0-3"), List.of("a comment"), args), new SlurmScripts.Launch("/nonexistent/java",
                List.of("-Xmx1g", "-Dv=a b"), List.of(lib.resolve("a.jar"), lib.resolve("b c.jar")), null, tmp,
                null));
        assertTrue(text.startsWith("#!/bin/bash\n#SBATCH --job-name=pb-x-runs\n#SBATCH --array=0-3\n# a comment\n"),
                text);
        // Run it with a fake java that prints its arguments: [ -x ] fails, so "java" is looked up on the PATH.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/bash\nprintf '%s\\0' \"$@\"\n");
        bin.resolve("java").toFile().setExecutable(true);
        Path script = tmp.resolve("runs.sbatch");
        Files.writeString(script, text);
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("SLURM_ARRAY_TASK_ID", "7");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        List<String> expected = new ArrayList<>(List.of("-Xmx1g", "-Dv=a b", "-cp",
                lib.resolve("a.jar") + ":" + lib.resolve("b c.jar"), Main.class.getName()));
        expected.addAll(args.subList(0, args.size() - 1));
        expected.add("7");
        assertEquals(expected, List.of(out.substring(0, out.length() - 1).split("\0", -1)));
    }

    @Test
    void arraySpecsAreCompactRanges() {
        assertEquals("0-3", SlurmScripts.arraySpec(Set.of(0, 1, 2, 3)));
        assertEquals("0,2-4,7,9-10", SlurmScripts.arraySpec(Set.of(10, 9, 7, 4, 3, 2, 0)));
        assertEquals("5", SlurmScripts.arraySpec(Set.of(5)));
    }

    @Test
    void directiveValuesAreOneWord() {
        assertEquals("2:00:00", SlurmScripts.directiveValue("--time", "2:00:00"));
        assertThrows(ConfigException.class, () -> SlurmScripts.directiveValue("--partition", "a b"));
        assertThrows(ConfigException.class, () -> SlurmScripts.directiveValue("--mem", "4G\n#SBATCH --x"));
    }

    @Test
    void nodeLocalFoldersAreRecognised() throws IOException {
        assertNotNull(SharedFilesystem.verdict(Path.of("/tmp/x"), "ext4").problem());
        assertNotNull(SharedFilesystem.verdict(Path.of("/dev/shm/x"), "tmpfs").problem());
        assertNotNull(SharedFilesystem.verdict(Path.of("/home/u/r"), "tmpfs").problem());
        assertNotNull(SharedFilesystem.verdict(Path.of("/home/u/r"), "overlay").problem());
        SharedFilesystem.Verdict nfs = SharedFilesystem.verdict(Path.of("/home/u/r"), "nfs4");
        assertNull(nfs.problem());
        assertNull(nfs.warning());
        assertNull(SharedFilesystem.verdict(Path.of("/scratch/r"), "lustre").warning());
        SharedFilesystem.Verdict disk = SharedFilesystem.verdict(Path.of("/data/r"), "ext4");
        assertNull(disk.problem());
        assertNotNull(disk.warning());
        // the real thing: a temporary folder is under /tmp (or the JVM's tmpdir), whatever its type
        assertNotNull(SharedFilesystem.check(tmp.resolve("not/yet")).type());
    }

    @Test
    void classpathSnapshotIsContentAddressed() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("m/target/classes/p"));
        Files.writeString(a.resolve("A.class"), "one");
        Path jar = tmp.resolve("x-1.0.jar");
        Files.writeString(jar, "jar");
        String cp = tmp.resolve("m/target/classes") + ":" + jar + ":" + tmp.resolve("missing.jar");
        List<ClasspathSnapshot.Entry> entries = ClasspathSnapshot.plan(cp);
        assertEquals(2, entries.size());
        assertTrue(entries.get(0).name().startsWith("m-classes-"), entries.get(0).name());
        assertTrue(entries.get(1).name().matches("x-1\\.0-[0-9a-f]{12}\\.jar"), entries.get(1).name());
        List<Path> copied = ClasspathSnapshot.materialize(entries, tmp.resolve("lib"));
        assertEquals("one", Files.readString(copied.get(0).resolve("p/A.class")));
        assertEquals(copied, ClasspathSnapshot.materialize(entries, tmp.resolve("lib")));
        Files.writeString(a.resolve("A.class"), "two");
        String changed = ClasspathSnapshot.plan(cp).get(0).name();
        assertTrue(!changed.equals(entries.get(0).name()), "a rebuilt class gets a new snapshot");
    }
}
