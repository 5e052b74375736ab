"""Assessment: running evaluation metrics for every partnership (DOMAIN.md, "Metrics" and "Counting rules")."""
