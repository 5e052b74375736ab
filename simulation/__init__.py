"""A seeded programme of ordered classes, its ground truth, and a driver that posts it through the public APIs."""
