package io.peregrine.agent.container;

import java.util.List;
import java.util.Map;

/**
 * What the kubelet says of one pod on this node: enough to tag its containers and to scrape it.
 *
 * @param containers container id (without the {@code containerd://} scheme) -> container name
 * @param ports the containers' declared TCP ports, in spec order
 */
public record PodInfo(String uid, String namespace, String name, boolean hostNetwork, String phase, String podIp,
    Map<String, String> labels, Map<String, String> annotations, Map<String, String> containers, List<Integer> ports) {}
