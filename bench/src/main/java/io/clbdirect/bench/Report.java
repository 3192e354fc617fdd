package io.clbdirect.bench;

import com.google.gson.GsonBuilder;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Aligned text tables for the terminal and the JSON results file. */
public final class Report {

  private Report() {}

  /** {@code bench/target/results} of the repository (found as the e2e module finds it). */
  public static Path defaultResultsDir() {
    return ControlPlaneExtension.repository().resolve("bench/target/results");
  }

  public static Path writeJson(Path dir, String name, Map<String, Object> json) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".json");
    Files.writeString(
        file,
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n",
        StandardCharsets.UTF_8);
    return file;
  }

  public static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A table whose columns are as wide as their widest cell; numbers right-aligned. */
  public static final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
      this.header = List.of(header);
    }

    public Table row(Object... cells) {
      List<String> row = new ArrayList<>();
      for (Object cell : cells) {
        row.add(String.valueOf(cell));
      }
      rows.add(row);
      return this;
    }

    public void print(PrintStream out) {
      int[] widths = new int[header.size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = header.get(i).length();
        for (List<String> row : rows) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      out.println(line(header, widths, false));
      StringBuilder rule = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
      }
      out.println(rule);
      for (List<String> row : rows) {
        out.println(line(row, widths, true));
      }
    }

    private static String line(List<String> cells, int[] widths, boolean alignNumbers) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = cells.get(i);
        boolean right =
            alignNumbers
                && i > 0
                && !cell.isEmpty()
                && (Character.isDigit(cell.charAt(0)) || cell.charAt(0) == '-');
        line.append(i == 0 ? "" : "  ");
        line.append(
            right
                ? " ".repeat(widths[i] - cell.length()) + cell
                : cell + " ".repeat(widths[i] - cell.length()));
      }
      return line.toString().stripTrailing();
    }
  }
}
