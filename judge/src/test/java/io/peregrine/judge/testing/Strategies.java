package io.peregrine.judge.testing;

import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;

/** Builders for hbs strategy sets in tests. */
public final class Strategies {
  private Strategies() {}

  public static Strategy.Builder strategy(long id, String metric, String func, String op, double right) {
    return Strategy.newBuilder().setId(id).setMetric(metric).setFunc(func).setOperator(op).setRightValue(right)
        .setMaxStep(3).setPriority(2).setNote("note " + id).setTemplateId(40).setActionId(50);
  }

  public static Expression.Builder expression(long id, String selector, String func, String op, double right) {
    return Expression.newBuilder().setId(id).setExpression(selector).setFunc(func).setOperator(op)
        .setRightValue(right).setMaxStep(3).setPriority(1).setNote("expr " + id).setActionId(60);
  }

  public static StrategySet set(long version, String host, Strategy.Builder... strategies) {
    HostStrategies.Builder h = HostStrategies.newBuilder().setHostname(host);
    for (Strategy.Builder s : strategies) {
      h.addStrategies(s);
    }
    return StrategySet.newBuilder().setVersion(version).addHosts(h).build();
  }
}
