"""Versioned event contracts: the single source for producers, consumers, AsyncAPI and tests."""
