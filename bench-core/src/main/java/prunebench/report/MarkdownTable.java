package prunebench.report;

import java.util.ArrayList;
import java.util.List;

/** A GitHub-flavoured Markdown table; cells are escaped so that labels containing '|' cannot break the layout. */
final class MarkdownTable {
    private final List<String> headers;
    private final List<Boolean> rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable() {
        this.headers = new ArrayList<>();
        this.rightAligned = new ArrayList<>();
    }

    MarkdownTable column(String header, boolean numeric) {
        headers.add(header);
        rightAligned.add(numeric);
        return this;
    }

    MarkdownTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    int rowCount() {
        return rows.size();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, headers);
        List<String> rule = new ArrayList<>();
        for (boolean right : rightAligned) {
            rule.add(right ? "---:" : "---");
        }
        sb.append('|');
        rule.forEach(r -> sb.append(' ').append(r).append(" |"));
        sb.append('\n');
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(escape(c)).append(" |");
        }
        sb.append('\n');
    }

    static String escape(String cell) {
        return cell == null ? "" : cell.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
