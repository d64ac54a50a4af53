package prunebench.report;

/** Strategy labels are free text; file names built from them must stay portable. */
final class FileNames {
    private FileNames() {}

    static String safe(String label) {
        String s = label.replaceAll("[^A-Za-z0-9._-]+", "_");
        return s.isEmpty() || s.chars().allMatch(ch -> ch == '.') ? "_" : s;
    }
}
