package io.peregrine.agent.collect;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsers for the two table shapes procfs uses for protocol counters. {@code /proc/net/snmp} and
 * {@code /proc/net/netstat} pair a header line with a value line ({@code Tcp: RtoAlgorithm RtoMin ...} then
 * {@code Tcp: 1 200 ...}); {@code /proc/net/sockstat} puts key/value pairs on one line
 * ({@code TCP: inuse 11 orphan 0 tw 31 alloc 14 mem 0}).
 */
final class ProcTables {
  private ProcTables() {}

  /**
   * Header/value pairs by section: {@code {"Tcp" -> {"CurrEstab" -> 3, ...}}}. A value that is not an integer (none
   * are today) is left out rather than failing the section; a header without its value line is ignored.
   */
  static Map<String, Map<String, Long>> headerValuePairs(List<String> lines) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String header = lines.get(i);
      String values = lines.get(i + 1);
      int colon = header.indexOf(':');
      if (colon <= 0 || !values.startsWith(header.substring(0, colon + 1))) {
        continue;
      }
      String[] keys = Fields.split(header, colon + 1);
      String[] vals = Fields.split(values, colon + 1);
      Map<String, Long> section = new HashMap<>(keys.length * 2);
      for (int k = 0; k < keys.length && k < vals.length; k++) {
        try {
          section.put(keys[k], Long.parseLong(vals[k]));
        } catch (NumberFormatException e) {
          // not a number: leave this key out
        }
      }
      out.put(header.substring(0, colon), section);
      i++;
    }
    return out;
  }

  /** {@code TCP: inuse 11 orphan 0} lines by section: {@code {"TCP" -> {"inuse" -> 11, "orphan" -> 0}}}. */
  static Map<String, Map<String, Long>> keyValueLines(List<String> lines) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] f = Fields.split(line, colon + 1);
      Map<String, Long> section = new HashMap<>();
      for (int k = 0; k + 1 < f.length; k += 2) {
        try {
          section.put(f[k], Long.parseLong(f[k + 1]));
        } catch (NumberFormatException e) {
          // not a number: leave this key out
        }
      }
      out.put(line.substring(0, colon), section);
    }
    return out;
  }
}
