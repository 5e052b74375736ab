"""`make bench`: our pipeline's throughput as ratios of anchors measured in the same run on the same machine."""
