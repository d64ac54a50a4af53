/**
 * Reports rebuilt from results alone: {@link prunebench.report.Report#rebuild(java.nio.file.Path, ReportSpec)} reads
 * {@code runs.csv} (and {@code runs/<run_id>/layers.csv}, {@code epochs.csv}) and writes, next to it:
 *
 * <ul>
 *   <li>{@code summary.csv}: per (strategy, compression) {@code n}, {@code n_failed} and, for every numeric column
 *       {@code m}, {@code m_mean}, {@code m_std} (n-1) and {@code m_ci95} (Student t half-width);</li>
 *   <li>{@code summary.md}: the core metrics of the shown strategies as a Markdown table;</li>
 *   <li>{@code comparison-<a>-vs-<b>.csv}: paired-by-seed differences with 95% CI and paired t-test p-value;</li>
 *   <li>{@code plots/<figure>.png|svg}: the figures of {@link prunebench.report.FigureKind};</li>
 *   <li>{@code report.md}: all of the above with the saved {@code resolved-experiment.yaml}.</li>
 * </ul>
 *
 * What is shown is set by the optional {@code report:} section of the experiment ({@link prunebench.report.ReportSpec}).
 * Runs whose status is not {@code ok} are left out of every aggregate and counted in {@code n_failed}.
 */
package prunebench.report;
