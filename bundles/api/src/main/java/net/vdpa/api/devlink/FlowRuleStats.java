package net.vdpa.api.devlink;

/**
 * A rule with what it carried ({@code tc -s filter show}).
 *
 * @param dev the representor it is on
 * @param rule the rule
 * @param packets frames it matched
 * @param bytes their bytes
 */
public record FlowRuleStats(String dev, FlowRule rule, long packets, long bytes) {}
