"""Pure, versioned metric code: the one place the counting rules of DOMAIN.md live. No I/O."""
