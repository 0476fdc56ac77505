package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.proto.v1.RejectCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagsTest {

  @Test
  void sortsTagsByKey() {
    assertThat(Tags.canonical("mount=/data,fstype=ext4,device=sda")).isEqualTo("device=sda,fstype=ext4,mount=/data");
  }

  @Test
  void trimsWhitespaceAroundItemsKeysAndValues() {
    assertThat(Tags.canonical("  b = 2 ,\ta=1 ")).isEqualTo("a=1,b=2");
  }

  @Test
  void keepsWhitespaceInsideAValue() {
    assertThat(Tags.canonical("name=my service")).isEqualTo("name=my service");
  }

  @Test
  void skipsEmptyItems() {
    assertThat(Tags.canonical("a=1,,b=2,")).isEqualTo("a=1,b=2");
  }

  @Test
  void keepsAnEmptyValue() {
    assertThat(Tags.canonical("b=,a=1")).isEqualTo("a=1,b=");
  }

  @Test
  void returnsCanonicalTextAsTheSameInstance() {
    String text = new String("a=1,b=2");
    assertThat(Tags.canonical(text)).isSameAs(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a=1,b=2|true", "a=1|true", "b=2,a=1|false", "a=1,a=2|false", "a=1, b=2|false", "a=1,|false", "=1|false",
      "a|false", "a=1=2|false", "a=1,,b=2|false"})
  void recognisesCanonicalText(String text, boolean canonical) {
    assertThat(Tags.isCanonical(text)).isEqualTo(canonical);
  }

  @Test
  void treatsNullAndEmptyAsNoTags() {
    assertThat(Tags.canonical(null)).isEmpty();
    assertThat(Tags.canonical("")).isEmpty();
    assertThat(Tags.canonical("  ")).isEmpty();
    assertThat(Tags.parse(null)).isEmpty();
  }

  @Test
  void rejectsDuplicateKeysNamingTheKey() {
    assertThatThrownBy(() -> Tags.canonical("dev=sda,mount=/,dev=sdb"))
        .isInstanceOfSatisfying(Tags.InvalidTagsException.class, e -> assertThat(e.code()).isEqualTo(RejectCode.BAD_TAGS))
        .hasMessageContaining("tag key 'dev' appears twice");
  }

  @Test
  void rejectsKeysThatAreDuplicatesOnlyAfterTrimming() {
    assertThatThrownBy(() -> Tags.canonical("dev=sda, dev =sdb")).hasMessageContaining("'dev' appears twice");
  }

  @Test
  void rejectsEmptyKeyNamingTheValue() {
    assertThatThrownBy(() -> Tags.canonical("a=1, =orphan"))
        .isInstanceOfSatisfying(Tags.InvalidTagsException.class, e -> assertThat(e.code()).isEqualTo(RejectCode.BAD_TAGS))
        .hasMessageContaining("'orphan'").hasMessageContaining("empty key");
  }

  @Test
  void rejectsAnItemWithoutEqualsSign() {
    assertThatThrownBy(() -> Tags.canonical("a=1,loose")).hasMessageContaining("tag 'loose' has no '='");
  }

  @Test
  void rejectsCommaAndEqualsInMapKeysAndValues() {
    assertThatThrownBy(() -> Tags.fromMap(Map.of("k", "a,b")))
        .isInstanceOfSatisfying(Tags.InvalidTagsException.class,
            e -> assertThat(e.code()).isEqualTo(RejectCode.BAD_CHARACTER))
        .hasMessageContaining("tag value 'a,b'").hasMessageContaining("','");
    assertThatThrownBy(() -> Tags.fromMap(Map.of("k=x", "v"))).hasMessageContaining("tag key 'k=x'")
        .hasMessageContaining("'='");
    assertThatThrownBy(() -> Tags.fromMap(Map.of("k,x", "v"))).hasMessageContaining("tag key 'k,x'");
  }

  @Test
  void rejectsMoreThan32Tags() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < 33; i++) {
      map.put("k" + i, "v");
    }
    assertThatThrownBy(() -> Tags.fromMap(map)).hasMessageContaining("more than 32 tags");
    map.remove("k0");
    assertThat(Tags.toMap(Tags.fromMap(map))).hasSize(32);
  }

  @Test
  void buildsCanonicalTextFromAMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("service", " api ");
    map.put("env", "prod");
    map.put("empty", null);
    assertThat(Tags.fromMap(map)).isEqualTo("empty=,env=prod,service=api");
    assertThat(Tags.fromMap(Map.of())).isEmpty();
  }

  @Test
  void turnsCanonicalTextIntoASortedMap() {
    assertThat(Tags.toMap("b=2,a=1")).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(Tags.toMap("")).isEmpty();
  }

  @Test
  void containsAllIsTrueForNoRequiredTags() {
    assertThat(Tags.containsAll("", "")).isTrue();
    assertThat(Tags.containsAll("a=1", "")).isTrue();
  }

  @Test
  void containsAllAllowsExtraTagsOnTheActualSide() {
    assertThat(Tags.containsAll("a=1,b=2,c=3", "c=3,a=1")).isTrue();
    assertThat(Tags.containsAll("a=1,b=2", "a=1,b=2")).isTrue();
  }

  @Test
  void containsAllIsFalseForAMissingKeyOrADifferentValue() {
    assertThat(Tags.containsAll("a=1,b=2", "c=3")).isFalse();
    assertThat(Tags.containsAll("a=1,b=2", "a=2")).isFalse();
    assertThat(Tags.containsAll("", "a=1")).isFalse();
    assertThat(Tags.containsAll("a=1", "a=1,b=")).isFalse();
  }
}
