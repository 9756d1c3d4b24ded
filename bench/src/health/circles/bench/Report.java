package health.circles.bench;

import java.util.List;

/** The figures of a run as Markdown, appended to the machine description bench/run.sh writes. */
final class Report {

    private final StringBuilder md = new StringBuilder();

    void heading(String title) {
        md.append("\n### ").append(title).append("\n\n");
    }

    void line(String text) {
        md.append(text).append('\n');
        System.out.println(text);
    }

    void table(List<Load.Result> results) {
        md.append("| operation | threads | requests | errors | p50 ms | p99 ms | max ms | mean ms | req/s | generator CPU ms a call |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Load.Result r : results) {
            md.append(String.format("| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.3f |%n", r.name(),
                    r.threads(), r.count(), r.errors(), r.percentileMs(50), r.percentileMs(99), r.maxMs(), r.meanMs(),
                    r.perSecond(), r.generatorCpuMsPerCall()));
        }
        md.append('\n');
    }

    String markdown() {
        return md.toString();
    }
}
