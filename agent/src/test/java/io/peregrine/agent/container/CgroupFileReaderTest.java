package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFileReaderTest {
  @TempDir Path dir;
  private final CgroupFileReader reader = new CgroupFileReader();

  private CgroupFileReader read(String text) throws IOException {
    Path f = dir.resolve("f");
    Files.writeString(f, text);
    assertThat(reader.read(f)).isTrue();
    return reader;
  }

  @Test
  void keyedFilesTakeOnlyTheKeysAskedFor() throws Exception {
    long[] out = new long[3];
    read("usage_usec 100\nuser_usec 60\nnr_bursts 0\n").keyValues(CgroupV2Files.keys("usage_usec", "user_usec",
        "nr_periods"), out);
    assertThat(out).containsExactly(100, 60, -1);
  }

  @Test
  void ioStatAndBlkioAreSummedOverDevices() throws Exception {
    long[] v2 = new long[2];
    read("8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=1 wbytes=2 rios=3 wios=4\n")
        .sumFields(CgroupV2Files.keys("rbytes", "wios"), v2);
    assertThat(v2).containsExactly(4097, 6);
    long[] v1 = new long[2];
    // cgroup v1 blkio: a Total per device and one for all, neither counted again
    read("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\n"
        + "8:16 Read 1\n8:16 Write 0\nTotal 12289\n").sumDeviceLines(CgroupV2Files.keys("Read", "Write"), v1);
    assertThat(v1).containsExactly(4097, 8192);
  }

  @Test
  void pressureSinglesAndPids() throws Exception {
    double[] p = new double[2];
    read("some avg10=97.96 avg60=98.09 avg300=76.73 total=468032814\nfull avg10=0.05 avg60=0.00 avg300=0.00 "
        + "total=0\n").pressure(p, 0);
    assertThat(p).containsExactly(97.96, 0.05);
    assertThat(read("max\n").single()).isEqualTo(-1);
    assertThat(read("268435456\n").single()).isEqualTo(268435456);
    assertThat(read("9223372036854775807\n").single()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> read("9223372036854775808\n").single()).isInstanceOf(IOException.class);
    assertThat(read("").firstNumber()).isEqualTo(-1);
    assertThat(read("4242\n4243\n").firstNumber()).isEqualTo(4242);
  }

  @Test
  void aMissingFileIsNoErrorAndGarbageIsOneNamingTheFile() throws Exception {
    assertThat(reader.read(dir.resolve("gone"))).isFalse();
    assertThatThrownBy(() -> read("usage_usec 12x\n").keyValues(CgroupV2Files.keys("usage_usec"), new long[1]))
        .isInstanceOf(IOException.class).hasMessageContaining("'12x' is not a whole number").hasMessageContaining(
            dir.resolve("f").toString());
    assertThatThrownBy(() -> read("Inter-|\n face |\n  eth0: 1 2 3\n").netDev(new long[8]))
        .isInstanceOf(IOException.class).hasMessageContaining("expected 16");
  }

  @Test
  void aFileLargerThanTheBufferIsReadWhole() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      big.append("8:").append(i).append(" rbytes=1 wbytes=0 rios=0 wios=0\n");
    }
    long[] out = new long[1];
    read(big.toString()).sumFields(CgroupV2Files.keys("rbytes"), out);
    assertThat(out[0]).isEqualTo(3000);
  }

  @Test
  void aKeptFileIsReadAnewFromItsStartAndClosedWhenGone() throws Exception {
    Path f = dir.resolve("memory.current");
    Files.writeString(f, "268435456\n");
    KernelFile kept = new KernelFile(f);
    assertThat(reader.read(kept)).isTrue();
    assertThat(reader.single()).isEqualTo(268435456);
    assertThat(reader.held()).isEqualTo(1);

    Files.writeString(f, "4096\n"); // shorter: the same descriptor reads only the new text
    assertThat(reader.read(kept)).isTrue();
    assertThat(reader.single()).isEqualTo(4096);
    assertThat(reader.held()).isEqualTo(1);

    kept.close();
    kept.close(); // twice is once
    assertThat(reader.held()).isZero();
    Files.delete(f);
    assertThat(reader.read(kept)).isFalse(); // not there to open again
    assertThat(reader.held()).isZero();
  }

  @Test
  void pastTheCapFilesAreOpenedForEachRead() throws Exception {
    CgroupFileReader capped = new CgroupFileReader(1);
    Files.writeString(dir.resolve("a"), "1\n");
    Files.writeString(dir.resolve("b"), "2\n");
    KernelFile a = new KernelFile(dir.resolve("a"));
    KernelFile b = new KernelFile(dir.resolve("b"));
    assertThat(capped.read(a)).isTrue();
    assertThat(capped.read(b)).isTrue();
    assertThat(capped.single()).isEqualTo(2);
    assertThat(a.isOpen()).isTrue();
    assertThat(b.isOpen()).isFalse();
    assertThat(capped.held()).isEqualTo(1);
  }
}
