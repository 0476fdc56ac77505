package io.peregrine.hbs.resolve;

import io.peregrine.hbs.store.ExpressionRepository;
import io.peregrine.hbs.store.ExpressionRow;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.hbs.store.HostRow;
import io.peregrine.hbs.store.MockcfgRepository;
import io.peregrine.hbs.store.MockcfgRow;
import io.peregrine.hbs.store.StrategyRepository;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRepository;
import io.peregrine.hbs.store.TemplateRow;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Everything the resolver reads, taken in one transaction so that it is one consistent picture. */
record ConfigRows(List<HostRow> hosts, List<Map.Entry<String, Long>> hostTemplates, List<TemplateRow> templates,
    List<StrategyRow> strategies, List<ExpressionRow> expressions, List<MockcfgRow> mockcfgs,
    List<Map.Entry<String, String>> groupHosts) {

  ConfigRows(List<HostRow> hosts, List<Map.Entry<String, Long>> hostTemplates, List<TemplateRow> templates,
      List<StrategyRow> strategies, List<ExpressionRow> expressions) {
    this(hosts, hostTemplates, templates, strategies, expressions, List.of(), List.of());
  }

  static ConfigRows read(Handle h) {
    MockcfgRepository mocks = new MockcfgRepository();
    return new ConfigRows(new HostRepository().list(h), new GroupRepository().hostTemplatePairs(h),
        new TemplateRepository().list(h), new StrategyRepository().list(h), new ExpressionRepository().list(h),
        mocks.list(h), mocks.groupHosts(h));
  }
}
